package thelook.streams.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import thelook.streams.app.DemoService;
import thelook.streams.app.SourceSpec;

/** {@code demo}: {@code run} on a generated history with live activity flowing in, and the dashboard. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole service on this machine with no cloud: an embedded Kafka broker and Schema Registry, a generated"
                + " theLook history (--users) backfilled at full speed, then live activity (--rate) through the Pub/Sub emulator"
                + " when it is installed, else straight to Kafka. The dashboard and the API on http://localhost:<port>, the marts"
                + " also in <state-dir>/marts.duckdb. Ctrl-C stops cleanly; a restart resumes (the history is not produced twice).",
            "Takes every option of run; --source/--input replace the generated history."})
final class DemoCommand extends RunCommand {
    @Option(names = "--users", defaultValue = "20000", description = "Users of the generated history (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the history and of the live activity (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rate", defaultValue = "50/s", paramLabel = "N/s",
            description = "Live rows a second once the history is in (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--no-pubsub", description = "Produce the live activity straight to Kafka even where the Pub/Sub emulator is installed.")
    boolean noPubsub;

    @Override
    Path stateDir() {
        return stateDir != null ? stateDir : Path.of("demo-state");
    }

    @Override
    SourceSpec defaultSource() {
        if (users < 1) {
            throw new IllegalArgumentException("--users must be at least 1");
        }
        return SourceSpec.generate(users, seed);
    }

    @Override
    public Integer call() throws Exception {
        var options = new DemoService.Options(serviceOptions(), users, seed, rate, !noPubsub);
        try (ConsoleListener listener = new ConsoleListener(System.out)) {
            DemoService demo = DemoService.start(options, listener);
            if (demo.service().apiPort() > 0) {
                listener.info("dashboard:       http://localhost:" + demo.service().apiPort() + "/");
            }
            serveUntilSignal(listener, demo::stop, demo::runUntilStopped, demo);
        }
        System.out.println("stopped cleanly");
        return 0;
    }
}
