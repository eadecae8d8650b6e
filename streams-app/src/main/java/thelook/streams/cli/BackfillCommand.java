package thelook.streams.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import thelook.streams.app.BackfillJob;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.RegistrySettings;

/** {@code backfill --input DIR --bootstrap-servers ...}: a CSV snapshot into the input topics of a running cluster. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Replay a directory of theLook CSVs into the input topics, in event-time order with each order's and"
                + " item's lifecycle unfolded (docs/marts.md, section 5), for a service that runs or will run on that cluster.",
            "Topics are created when absent. Producing the same directory again changes no mart. Every file is read and"
                + " checked before the first record is produced."})
final class BackfillCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--input", required = true, description = "Directory with <table>.csv files (docs/marts.md, section 1).")
    Path input;

    @Option(names = "--partitions", description = "Partitions of the topics it creates; default: the existing topics' count, else 2.")
    Integer partitions;

    @Option(names = "--on-error", defaultValue = "fail", description = "A malformed CSV row: fail (default) or skip (counted and reported).")
    String onError;

    @Override
    public Integer call() {
        KafkaClients clients = kafka.clientsOrLocal();
        RegistrySettings registry = kafka.registryOrLocal();
        if (!kafka.clients().hasBootstrap()) {
            System.out.println("no --bootstrap-servers: producing to " + clients.bootstrapServers() + " (registry " + registry.url()
                    + "), where `run` without a cluster listens");
        }
        var options = new BackfillJob.Options(input, clients, registry.resolve(false, null), kafka.topicNames(),
                partitions, Cli.onError(onError));
        BackfillJob.Summary summary;
        try (ConsoleListener listener = new ConsoleListener(System.out)) {
            summary = new BackfillJob(options, listener).run();
        }
        System.out.printf("produced %,d records in %.1f s (%,.0f records/s)%n", summary.records(), summary.seconds(),
                summary.recordsPerSecond());
        summary.rowsPerTable().forEach((table, rows) -> System.out.printf("  %-22s %,d rows%n", table, rows));
        if (summary.skippedRows() > 0) {
            System.out.printf("  %,d malformed input rows were skipped%n", summary.skippedRows());
        }
        return 0;
    }
}
