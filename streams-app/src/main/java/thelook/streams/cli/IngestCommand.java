package thelook.streams.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import thelook.streams.app.IngestService;
import thelook.streams.ingest.PubSubIngest;

/** {@code ingest pubsub}: live rows from a Pub/Sub subscription into the input topics. */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Bridge live theLook rows into the input topics.",
        subcommands = IngestCommand.PubSub.class)
final class IngestCommand {
    @Command(name = "pubsub", mixinStandardHelpOptions = true,
            description = {"Pull theLook rows from a Pub/Sub subscription (one row per message, JSON; docs/ingest.md) and produce"
                    + " them keyed by primary key to the input topics, until SIGTERM or Ctrl-C.",
                "A message is acked only once Kafka has its record; one that is not a valid row goes to the dead-letter topic"
                    + " with the reason and its message id, and is acked. Stopping waits for the messages in flight."})
    static final class PubSub implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka = new KafkaOptions();

        @Option(names = "--subscription", required = true, paramLabel = "projects/P/subscriptions/S",
                description = "The subscription (with message ordering on, so one row's messages keep their order).")
        String subscription;

        @Mixin
        PubSubCliOptions pubsub = new PubSubCliOptions();

        @Option(names = "--max-outstanding-messages", defaultValue = "10000", description = "Flow control: messages received and"
                + " not yet acked, at most (default: ${DEFAULT-VALUE}).")
        long maxOutstanding;

        @Option(names = "--max-outstanding-mb", defaultValue = "100", description = "Flow control: megabytes of such messages"
                + " (default: ${DEFAULT-VALUE}).")
        long maxOutstandingMb;

        @Option(names = "--port", defaultValue = "8091", description = "Port of /metrics, /health/live, /health/ready and"
                + " /status; 0: any free port; -1: none (default: ${DEFAULT-VALUE}).")
        int port;

        @Override
        public Integer call() throws Exception {
            if (port < -1 || port > 65535) {
                throw new IllegalArgumentException("--port must be between 0 and 65535, or -1 for none");
            }
            var settings = new PubSubIngest.Settings(subscription, maxOutstanding, Math.multiplyExact(maxOutstandingMb, 1L << 20));
            var options = new IngestService.Options(kafka.clientsOrLocal(), kafka.registryOrLocal().resolve(false, null),
                    kafka.topicNames(), settings, pubsub.emulator, pubsub.credentials, port);
            try (ConsoleListener listener = new ConsoleListener(System.out);
                 IngestService service = IngestService.start(options, listener)) {
                Signal.handle(new Signal("TERM"), s -> service.stop());
                Signal.handle(new Signal("INT"), s -> service.stop());
                listener.phase("Running (SIGTERM or Ctrl-C stops)", -1);
                service.runUntilStopped(java.time.Duration.ofSeconds(1));
                listener.info("stopping: producing and acking the messages in flight");
            }
            System.out.println("stopped cleanly");
            return 0;
        }
    }
}
