package thelook.streams.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import thelook.backfill.csv.Timestamps;
import thelook.backfill.pace.Pacer;
import thelook.backfill.plan.EventWindow;
import thelook.schemas.TheLookTable;
import thelook.streams.app.BackfillJob;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.SourceSpec;

/** {@code backfill --source ... --bootstrap-servers ...}: a snapshot into the input topics of a running cluster. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Replay a theLook snapshot (CSV files, generated data or BigQuery) into the input topics, in event-time order"
                + " with each order's and item's lifecycle unfolded (docs/marts.md, section 5), for a service that runs or will run"
                + " on that cluster. docs/backfill.md.",
            "Topics are created when absent. Every table is read and checked before the first record is produced. Progress is"
                + " checkpointed in the topic <prefix>backfill-checkpoints: run the same command again after a crash and it"
                + " resumes; producing rows again changes no mart."})
final class BackfillCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Mixin
    SourceCliOptions source = new SourceCliOptions();

    @Option(names = "--tables", split = ",", paramLabel = "TABLE", description = "Only these tables (comma-separated), e.g. events;"
            + " default: all.")
    List<String> tables;

    @Option(names = "--since", paramLabel = "TIME", description = "Only records with event times from TIME on (UTC, e.g."
            + " '2024-01-01 00:00:00'); rows without a time of their own (products, distribution centers) are left out.")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only records with event times before TIME. --until T and then"
            + " --since T together produce exactly what one backfill would.")
    String until;

    @Option(names = "--partitions", description = "Partitions of the topics it creates; default: the existing topics' count, else 2.")
    Integer partitions;

    @Option(names = "--on-error", description = "A row that does not fit the schema: fail, or skip (counted, reported and written"
            + " to the dead-letter topic <prefix>dlq). Default: fail for files, skip for BigQuery.")
    String onError;

    @Option(names = "--speed", defaultValue = "max", description = "max (default: as fast as Kafka takes it), or a factor such as"
            + " 3600x: event time runs that many times faster than the clock.")
    String speed;

    @Option(names = "--rate", paramLabel = "N/s", description = "At most N records a second, e.g. 5000/s.")
    String rate;

    @Option(names = "--follow", description = "BigQuery: after the snapshot, keep producing rows created since, until stopped.")
    boolean follow;

    @Option(names = "--follow-interval-s", defaultValue = "30", description = "With --follow: seconds between looks for new rows"
            + " (default: ${DEFAULT-VALUE}).")
    int followIntervalSeconds;

    @Option(names = "--follow-overlap-s", defaultValue = "600", description = "With --follow: each look also reads rows created this"
            + " long before the newest seen (rows that land late); keys produced already are left out (default: ${DEFAULT-VALUE}).")
    int followOverlapSeconds;

    @Option(names = "--restart", description = "Ignore this backfill's checkpoint and start over.")
    boolean restart;

    @Option(names = "--checkpoint-interval-s", defaultValue = "5", description = "Seconds between checkpoints (default: ${DEFAULT-VALUE}).")
    int checkpointSeconds;

    @Override
    public Integer call() throws Exception {
        SourceSpec spec = source.spec();
        if (spec == null) {
            throw new IllegalArgumentException("name what to backfill: --source csv:DIR | generate:users=N,seed=S |"
                    + " bigquery:PROJECT.DATASET (or --input DIR)");
        }
        if (followIntervalSeconds < 1 || followOverlapSeconds < 0 || checkpointSeconds < 1) {
            throw new IllegalArgumentException("--follow-interval-s and --checkpoint-interval-s must be at least 1,"
                    + " --follow-overlap-s at least 0");
        }
        var plan = new BackfillJob.Plan(tables(), since(), until(), Pacer.parse(speed, rate, Pacer.SYSTEM),
                follow, Duration.ofSeconds(followIntervalSeconds), Duration.ofSeconds(followOverlapSeconds), restart,
                Duration.ofSeconds(checkpointSeconds));
        EventWindow.of(plan.since(), plan.until()); // an empty window is refused before anything starts
        if (follow && spec.kind() != SourceSpec.Kind.BIGQUERY) {
            throw new IllegalArgumentException("--follow needs a bigquery: source (files and the generator do not grow)");
        }
        KafkaClients clients = kafka.clientsOrLocal();
        RegistrySettings registry = kafka.registryOrLocal();
        if (!kafka.clients().hasBootstrap()) {
            System.out.println("no --bootstrap-servers: producing to " + clients.bootstrapServers() + " (registry " + registry.url()
                    + "), where `run` without a cluster listens");
        }
        String errors = onError != null ? onError : spec.kind() == SourceSpec.Kind.BIGQUERY ? "skip" : "fail";
        var options = new BackfillJob.Options(spec, clients, registry.resolve(false, null), kafka.topicNames(), partitions,
                Cli.onError(errors), plan);
        BackfillJob.Summary summary;
        try (ConsoleListener listener = new ConsoleListener(System.out)) {
            BackfillJob job = new BackfillJob(options, listener);
            // Ctrl-C or SIGTERM: stop producing (the checkpoint keeps what was acknowledged) and exit 130
            Signal.handle(new Signal("TERM"), s -> job.stop());
            Signal.handle(new Signal("INT"), s -> job.stop());
            summary = job.run();
        } catch (InterruptedException | org.apache.kafka.common.errors.InterruptException e) {
            System.out.println("stopped; run the same command again to resume");
            return 130;
        }
        if (summary.alreadyComplete()) {
            return 0;
        }
        System.out.printf("produced %,d records in %.1f s (%,.0f records/s)%s%n", summary.records(), summary.seconds(),
                summary.recordsPerSecond(), summary.resumed() ? ", resumed from a checkpoint" : "");
        summary.rowsPerTable().forEach((table, records) -> System.out.printf("  %-22s %,d records%n", table, records));
        if (summary.skippedRows() > 0) {
            System.out.printf("  %,d rows did not fit the schema: skipped and written to %s%n", summary.skippedRows(),
                    kafka.topicNames().deadLetters());
        }
        if (summary.bytesRead() > 0) {
            System.out.printf("  read %,d bytes from BigQuery (%,d bytes scanned, as billed)%n", summary.bytesRead(), summary.bytesScanned());
        }
        return 0;
    }

    Set<TheLookTable> tables() {
        if (tables == null || tables.isEmpty()) {
            return EnumSet.allOf(TheLookTable.class);
        }
        Set<TheLookTable> set = EnumSet.noneOf(TheLookTable.class);
        for (String name : tables) {
            try {
                set.add(TheLookTable.byName(name.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--tables: unknown table '" + name + "'; the tables are "
                        + String.join(", ", EnumSet.allOf(TheLookTable.class).stream().map(TheLookTable::tableName).toList()));
            }
        }
        return set;
    }

    Instant since() {
        return time("--since", since);
    }

    Instant until() {
        return time("--until", until);
    }

    private static Instant time(String flag, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Timestamps.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " '" + text + "': expected a UTC time such as '2024-01-01 00:00:00' or"
                    + " 2024-01-01T00:00:00Z");
        }
    }
}
