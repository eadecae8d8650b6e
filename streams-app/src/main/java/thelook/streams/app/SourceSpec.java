package thelook.streams.app;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import thelook.backfill.bigquery.BigQuerySource;
import thelook.backfill.bigquery.BigQuerySourceSettings;
import thelook.backfill.csv.CsvSource;
import thelook.backfill.generate.GeneratedSource;
import thelook.backfill.source.TableSource;
import thelook.schemas.TheLookTable;

/**
 * {@code --source}: {@code csv:DIR}, {@code generate:users=N,seed=S} or {@code bigquery:PROJECT.DATASET}
 * (the public theLook dataset when empty). One parser for {@code backfill}, {@code replay} and {@code run}.
 *
 * @param bigquery the BigQuery settings (endpoints, credentials, billing project); null for the other kinds
 */
public record SourceSpec(Kind kind, Path dir, int users, long seed, BigQuerySourceSettings bigquery) {
    public enum Kind { CSV, GENERATE, BIGQUERY }

    public static final int DEFAULT_SEED = 42;

    public static SourceSpec csv(Path dir) {
        return new SourceSpec(Kind.CSV, dir, 0, 0, null);
    }

    public static SourceSpec generate(int users, long seed) {
        return new SourceSpec(Kind.GENERATE, null, users, seed, null);
    }

    /**
     * @param bigquery how to reach BigQuery, used when the spec is {@code bigquery:...}: a function of the text after
     *                 the colon
     * @throws IllegalArgumentException naming the flag and what it takes
     */
    public static SourceSpec parse(String text, java.util.function.Function<String, BigQuerySourceSettings> bigquery) {
        int colon = text.indexOf(':');
        String kind = (colon < 0 ? text : text.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        String rest = colon < 0 ? "" : text.substring(colon + 1).trim();
        return switch (kind) {
            case "csv" -> {
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException("--source csv: needs a directory, as in csv:./data");
                }
                yield csv(Path.of(rest));
            }
            case "generate" -> parseGenerate(rest);
            case "bigquery" -> new SourceSpec(Kind.BIGQUERY, null, 0, 0, bigquery.apply(rest));
            default -> throw new IllegalArgumentException("--source '" + text + "': expected csv:DIR, generate:users=N,seed=S"
                    + " or bigquery:PROJECT.DATASET");
        };
    }

    private static SourceSpec parseGenerate(String rest) {
        Map<String, String> params = new TreeMap<>();
        for (String part : rest.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] kv = part.split("=", 2);
            if (kv.length != 2 || !(kv[0].trim().equals("users") || kv[0].trim().equals("seed"))) {
                throw new IllegalArgumentException("--source generate:" + rest + ": expected users=N and optionally seed=S, as in"
                        + " generate:users=10000,seed=42");
            }
            params.put(kv[0].trim(), kv[1].trim());
        }
        try {
            int users = Integer.parseInt(params.getOrDefault("users", ""));
            long seed = Long.parseLong(params.getOrDefault("seed", Integer.toString(DEFAULT_SEED)));
            if (users < 1) {
                throw new NumberFormatException();
            }
            return generate(users, seed);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--source generate:" + rest + ": users must be a whole number of at least 1 and"
                    + " seed a whole number, as in generate:users=10000,seed=42");
        }
    }

    /**
     * Opens the source: checks what can be checked before reading (files and headers; BigQuery tables and columns).
     *
     * @param snapshot      BigQuery: the instant to read as of (a resumed backfill's), or null for now
     * @param createdFrom   BigQuery: only rows created at or after it (following), or null
     * @param createdBefore BigQuery: an {@code --until} pushed down, or null
     */
    public TableSource open(Collection<TheLookTable> tables, Instant snapshot, Instant createdFrom, Instant createdBefore) {
        return switch (kind) {
            case CSV -> CsvSource.open(dir, tables);
            case GENERATE -> GeneratedSource.generate(users, seed, tables);
            case BIGQUERY -> BigQuerySource.open(bigquery, tables, snapshot, createdFrom, createdBefore);
        };
    }

    /** Names the source for checkpoints and messages, without what changes between runs (a snapshot's time). */
    public String key() {
        return switch (kind) {
            case CSV -> "csv:" + dir.toAbsolutePath().normalize();
            case GENERATE -> "generate:users=" + users + ",seed=" + seed;
            case BIGQUERY -> "bigquery:" + bigquery.datasetName();
        };
    }

    /** Bytes of the input before it is read, for the replay's state-store choice; 0 when not known yet. */
    public long inputBytesHint() {
        return kind == Kind.CSV ? StateStoreChoice.csvBytes(dir) : kind == Kind.GENERATE ? (long) users * 3_630 : 0;
    }
}
