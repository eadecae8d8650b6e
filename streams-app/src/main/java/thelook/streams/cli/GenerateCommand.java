package thelook.streams.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import thelook.backfill.generate.TheLookGenerator;

/** {@code generate --users N --out DIR}: deterministic theLook-shaped CSVs. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write a deterministic theLook-shaped dataset as CSVs (docs/marts.md section 4).")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--users", required = true, description = "Number of users (theLook has 100,000).")
    int users;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed; the same users and seed give the same files (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Directory to write <table>.csv into.")
    Path out;

    @Override
    public Integer call() {
        long started = System.nanoTime();
        var counts = new TheLookGenerator(users, seed).writeCsv(out);
        System.out.printf("generated in %.1f s into %s:%n", (System.nanoTime() - started) / 1e9, out.toAbsolutePath());
        counts.forEach((table, rows) -> System.out.printf("  %-22s %,d rows%n", table.tableName() + ".csv", rows));
        return 0;
    }
}
