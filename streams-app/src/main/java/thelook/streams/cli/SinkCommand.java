package thelook.streams.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import thelook.streams.app.SinkService;

/** {@code sink}: keep warehouse tables equal to the mart topics, apart from the topology. */
@Command(name = "sink", mixinStandardHelpOptions = true,
        description = {"Keep the tables dim_customer_metrics, dim_product_performance and fct_cross_sell_candidates equal to"
                + " the mart topics that run writes, until SIGTERM or Ctrl-C.",
            "It has its own consumer group, so it scales and restarts apart from the topology; a restart resumes from the"
                + " offsets committed after the last rows the target accepted."})
final class SinkCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Mixin
    SinkCliOptions sink = new SinkCliOptions();

    @Option(names = "--group-id", defaultValue = "thelook-sink", description = "Consumer group prefix; each target uses"
            + " <group-id>-<target>, e.g. thelook-sink-duckdb (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--port", defaultValue = "8090", description = "Port of /metrics, /health/live, /health/ready and"
            + " /status; 0: any free port; -1: none (default: ${DEFAULT-VALUE}).")
    int port;

    @Override
    public Integer call() throws Exception {
        var sinks = sink.options();
        if (!sinks.any()) {
            throw new IllegalArgumentException("name a target: --duckdb FILE, --bigquery PROJECT.DATASET, or both");
        }
        if (port < -1 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, or -1 for none");
        }
        var options = new SinkService.Options(kafka.clientsOrLocal(), kafka.registryOrLocal().resolve(false, null), kafka.topicNames(),
                groupId, sinks, port);
        try (ConsoleListener listener = new ConsoleListener(System.out);
             SinkService service = SinkService.start(options, listener)) {
            Signal.handle(new Signal("TERM"), s -> service.stop());
            Signal.handle(new Signal("INT"), s -> service.stop());
            listener.phase("Running (SIGTERM or Ctrl-C stops)", -1);
            service.runUntilStopped(java.time.Duration.ofSeconds(1));
            listener.info("stopping: writing what was read, committing, leaving the group");
        }
        System.out.println("stopped cleanly");
        return 0;
    }
}
