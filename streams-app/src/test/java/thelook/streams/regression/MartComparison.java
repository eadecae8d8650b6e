package thelook.streams.regression;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;

/**
 * Compares the streaming marts (the CSVs written by MartCsv) with the batch oracle over the input CSVs,
 * row by row: same keys, every column, NULL where the batch gives NULL, doubles equal to 1e-9 relative
 * (of the larger magnitude, at least 1, so that a difference of two sums near zero is judged by the sums).
 */
final class MartComparison {
    static final double RELATIVE = 1e-9;

    record Mart(String name, Schema schema, List<String> key) {}

    static final List<Mart> MARTS = List.of(
            new Mart("dim_customer_metrics", DimCustomerMetrics.getClassSchema(), List.of("user_id")),
            new Mart("dim_product_performance", DimProductPerformance.getClassSchema(), List.of("product_id")),
            new Mart("fct_cross_sell_candidates", FctCrossSellCandidates.getClassSchema(), List.of("user_id", "product_id")));

    /** Differences found (empty when equal), at most a few per mart; plus the row counts compared. */
    record Result(List<String> differences, Map<String, Integer> rowsPerMart) {
        boolean equal() {
            return differences.isEmpty();
        }

        @Override
        public String toString() {
            return "rows " + rowsPerMart + (equal() ? ", no differences" : ", differences:\n  " + String.join("\n  ", differences));
        }
    }

    static Result compare(Path inputCsvDir, Path streamingMartDir) throws SQLException {
        return compare(inputCsvDir, (oracle, mart) -> loadStreaming(oracle, mart, streamingMartDir));
    }

    /** The tables of a sink's DuckDB file (opened read-only) against the oracle. */
    static Result compareDuckDb(Path inputCsvDir, Path duckDbFile) throws SQLException {
        String file = duckDbFile.toAbsolutePath().toString().replace("'", "''");
        return compare(inputCsvDir, (oracle, mart) -> {
            oracle.run("ATTACH IF NOT EXISTS '" + file + "' AS sink (READ_ONLY)");
            oracle.run("CREATE OR REPLACE TABLE streaming_" + mart.name() + " AS SELECT * FROM sink.main." + mart.name());
        });
    }

    /** The {@code <mart>.parquet} files of a directory against the oracle. */
    static Result compareParquet(Path inputCsvDir, Path dir) throws SQLException {
        return compare(inputCsvDir, (oracle, mart) -> oracle.run("CREATE OR REPLACE TABLE streaming_" + mart.name()
                + " AS SELECT * FROM read_parquet('" + dir.resolve(mart.name() + ".parquet").toAbsolutePath().toString().replace("'", "''")
                + "')"));
    }

    private interface Loader {
        void load(BatchOracle oracle, Mart mart) throws SQLException;
    }

    private static Result compare(Path inputCsvDir, Loader loader) throws SQLException {
        try (BatchOracle oracle = BatchOracle.over(inputCsvDir)) {
            List<String> differences = new ArrayList<>();
            Map<String, Integer> rows = new LinkedHashMap<>();
            for (Mart mart : MARTS) {
                Map<String, Object[]> expected = fetch(oracle, mart, mart.name());
                loader.load(oracle, mart);
                Map<String, Object[]> actual = fetch(oracle, mart, "streaming_" + mart.name());
                rows.put(mart.name(), actual.size());
                differences.addAll(diff(mart, expected, actual));
            }
            return new Result(differences, rows);
        }
    }

    private static void loadStreaming(BatchOracle oracle, Mart mart, Path dir) throws SQLException {
        StringBuilder select = new StringBuilder();
        for (Schema.Field f : mart.schema().getFields()) {
            if (select.length() > 0) {
                select.append(", ");
            }
            String col = '"' + f.name() + '"';
            String cast = switch (kind(f)) {
                case "long" -> "CAST(" + col + " AS BIGINT)";
                case "double" -> "CAST(" + col + " AS DOUBLE)";
                case "timestamp" -> "ts(" + col + ")";
                default -> col;
            };
            select.append(cast).append(" AS ").append(col);
        }
        String file = dir.resolve(mart.name() + ".csv").toAbsolutePath().toString().replace("'", "''");
        oracle.run("CREATE OR REPLACE TABLE streaming_" + mart.name() + " AS SELECT " + select
                + " FROM read_csv('" + file + "', header = true, all_varchar = true, quote = '\"', escape = '\"')");
    }

    private static Map<String, Object[]> fetch(BatchOracle oracle, Mart mart, String table) throws SQLException {
        List<Schema.Field> fields = mart.schema().getFields();
        StringBuilder select = new StringBuilder();
        for (Schema.Field f : fields) {
            if (select.length() > 0) {
                select.append(", ");
            }
            select.append(kind(f).equals("timestamp") ? "epoch_us(\"" + f.name() + "\")" : "\"" + f.name() + "\"");
        }
        Map<String, Object[]> rows = new LinkedHashMap<>();
        try (Statement st = oracle.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT " + select + " FROM " + table)) {
            while (rs.next()) {
                Object[] row = new Object[fields.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                StringBuilder key = new StringBuilder();
                for (String k : mart.key()) {
                    key.append(k).append('=').append(row[mart.schema().getField(k).pos()]).append(' ');
                }
                if (rows.put(key.toString().strip(), row) != null) {
                    throw new IllegalStateException(table + ": duplicate key " + key);
                }
            }
        }
        return rows;
    }

    private static List<String> diff(Mart mart, Map<String, Object[]> expected, Map<String, Object[]> actual) {
        List<String> out = new ArrayList<>();
        for (var e : expected.entrySet()) {
            Object[] a = actual.get(e.getKey());
            if (a == null) {
                out.add(mart.name() + " [" + e.getKey() + "]: missing from the streaming mart");
                continue;
            }
            for (Schema.Field f : mart.schema().getFields()) {
                Object x = e.getValue()[f.pos()];
                Object y = a[f.pos()];
                if (!same(kind(f), x, y)) {
                    out.add(mart.name() + " [" + e.getKey() + "] " + f.name() + ": batch " + x + ", streaming " + y);
                }
            }
        }
        for (String k : actual.keySet()) {
            if (!expected.containsKey(k)) {
                out.add(mart.name() + " [" + k + "]: not in the batch mart");
            }
        }
        return out.size() > 15 ? new ArrayList<>(out.subList(0, 15)) {{ add("... and more"); }} : out;
    }

    static boolean same(String kind, Object x, Object y) {
        if (x == null || y == null) {
            return x == null && y == null;
        }
        return switch (kind) {
            case "long", "timestamp" -> ((Number) x).longValue() == ((Number) y).longValue();
            case "double" -> {
                double a = ((Number) x).doubleValue();
                double b = ((Number) y).doubleValue();
                yield a == b || Math.abs(a - b) <= RELATIVE * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
            }
            default -> Objects.equals(x.toString(), y.toString());
        };
    }

    private static String kind(Schema.Field f) {
        Schema s = f.schema().isUnion() ? f.schema().getTypes().get(1) : f.schema();
        if (s.getLogicalType() instanceof LogicalTypes.TimestampMicros) {
            return "timestamp";
        }
        return s.getType().getName();
    }
}
