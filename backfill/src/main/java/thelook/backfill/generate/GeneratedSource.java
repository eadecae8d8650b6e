package thelook.backfill.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;

import java.util.List;
import java.util.Set;

import thelook.backfill.csv.CsvSource;
import thelook.backfill.source.OwnedTempDirs;
import thelook.backfill.source.TableReader;
import thelook.backfill.source.TableSource;
import thelook.schemas.TheLookTable;

/**
 * {@code generate:users=N,seed=S}: the generator's snapshot, written to a temporary CSV directory and
 * read from there like any {@code csv:} source (deleted on close). Going through the files keeps one
 * parser and one set of checks for generated and real data; the generator writes about 1.5 million
 * rows a second, so the detour costs a few seconds at 100,000 users.
 */
public final class GeneratedSource implements TableSource {
    private final int users;
    private final long seed;
    private final Path dir;
    private final CsvSource csv;

    private GeneratedSource(int users, long seed, Path dir, CsvSource csv) {
        this.users = users;
        this.seed = seed;
        this.dir = dir;
        this.csv = csv;
    }

    public static GeneratedSource generate(int users, long seed, Collection<TheLookTable> tables) {
        Path dir;
        try {
            dir = OwnedTempDirs.create("thelook-generated-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp dir for the generated data", e);
        }
        try {
            new TheLookGenerator(users, seed).writeCsv(dir);
            return new GeneratedSource(users, seed, dir, CsvSource.open(dir, tables));
        } catch (RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    @Override
    public String describe() {
        return "generate:users=" + users + ",seed=" + seed;
    }

    /** The generator is deterministic: the same users and seed are the same rows. */
    @Override
    public String fingerprint() {
        return describe();
    }

    @Override
    public Set<TheLookTable> tables() {
        return csv.tables();
    }

    @Override
    public long inputBytes() {
        return csv.inputBytes();
    }

    @Override
    public List<TableReader> readers(TheLookTable table) {
        return csv.readers(table);
    }

    @Override
    public void close() {
        delete(dir);
    }

    private static void delete(Path dir) {
        try {
            OwnedTempDirs.delete(dir);
        } catch (IOException ignored) {
            // left for the next generated source (it removes the dirs whose owner is gone) or the OS temp cleaner
        }
    }
}
