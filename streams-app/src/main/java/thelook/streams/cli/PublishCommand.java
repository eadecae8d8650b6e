package thelook.streams.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import thelook.backfill.generate.LiveActivity;
import thelook.backfill.pace.Pacer;
import thelook.streams.ingest.LiveLoad;
import thelook.streams.ingest.PubSubAccess;
import thelook.streams.ingest.RowPublisher;

/** {@code publish}: live theLook activity to a Pub/Sub topic, for demos and benchmarks. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish live theLook activity continuing a generated history (the users and products of"
                + " `generate --users N`): sessions and events, sign-ups, orders and their items, and the orders' later steps"
                + " (shipped, delivered, now and then cancelled or returned), one row per message in the format `ingest pubsub`"
                + " reads, with ordering keys <table>:<key> (docs/ingest.md). Until SIGTERM or Ctrl-C, or --count rows."})
final class PublishCommand implements Callable<Integer> {
    @Option(names = "--topic", required = true, paramLabel = "projects/P/topics/T", description = "The topic.")
    String topic;

    @Option(names = "--rate", defaultValue = "100/s", paramLabel = "N/s", description = "Rows a second (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--users", defaultValue = "20000", description = "Users of the history it continues, as `generate --users`"
            + " (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the activity (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--count", description = "Stop after this many rows; default: run until stopped.")
    Long count;

    @Mixin
    PubSubCliOptions pubsub = new PubSubCliOptions();

    private static final java.time.Duration FINISH_WAIT = java.time.Duration.ofMinutes(5);
    private volatile LiveLoad load;
    private volatile boolean stopping;

    @Override
    public Integer call() throws Exception {
        Pacer pacer = Pacer.parse("max", rate, Pacer.SYSTEM);
        if (count != null && count < 1) {
            throw new IllegalArgumentException("--count must be at least 1");
        }
        LiveActivity activity = new LiveActivity(users, seed, System.currentTimeMillis() * 1000);
        Thread main = Thread.currentThread();
        Signal.handle(new Signal("TERM"), s -> stop(main));
        Signal.handle(new Signal("INT"), s -> stop(main));
        try (PubSubAccess access = pubsub.access();
             RowPublisher publisher = new RowPublisher(topic, access)) {
            System.out.println("publishing to " + topic + " " + pacer.describe() + (pubsub.emulator != null ? " (emulator " + pubsub.emulator + ")" : ""));
            load = new LiveLoad(activity, pacer, row -> publisher.publish(row.table(), row.key(), row.columns(), false));
            load.run(count, () -> System.out.printf("  %,d rows published, %,d failed%n", publisher.published(), publisher.failed()));
            Thread.interrupted(); // Ctrl-C's interrupt stopped the load; the wait below must not end on it at once
            System.out.println("sending what is batched");
            // after --count, every row is owed; after Ctrl-C, a bounded stop matters more (Pub/Sub may be gone too)
            publisher.close(stopping ? RowPublisher.CLOSE_WAIT : FINISH_WAIT);
            System.out.printf("published %,d rows, %,d failed%s%n", publisher.published(), publisher.failed(),
                    publisher.lastFailure() != null ? " (last: " + publisher.lastFailure().getMessage() + ")" : "");
            return publisher.failed() > 0 ? 1 : 0;
        }
    }

    private void stop(Thread main) {
        stopping = true;
        if (load != null) {
            load.stop();
        }
        main.interrupt();
    }
}
