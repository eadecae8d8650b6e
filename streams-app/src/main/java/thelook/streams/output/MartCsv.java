package thelook.streams.output;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.backfill.csv.Timestamps;

/**
 * Writes a mart as {@code <mart>.csv}: header = the dbt column names, rows sorted by key, timestamps
 * {@code YYYY-MM-DD HH:MM:SS.ffffff UTC}, NULL as an empty field, doubles in Java's shortest form that
 * reads back to the same value. Written to a temp file and moved into place, so a reader never sees
 * half a mart.
 */
public final class MartCsv {
    public static final String CUSTOMER_METRICS = "dim_customer_metrics";
    public static final String PRODUCT_PERFORMANCE = "dim_product_performance";
    public static final String CROSS_SELL_CANDIDATES = "fct_cross_sell_candidates";

    private MartCsv() {}

    public static long writeCustomerMetrics(Path dir, Iterator<DimCustomerMetrics> rows) {
        return write(dir, CUSTOMER_METRICS, DimCustomerMetrics.getClassSchema(), rows,
                Comparator.comparingLong(DimCustomerMetrics::getUserId));
    }

    public static long writeProductPerformance(Path dir, Iterator<DimProductPerformance> rows) {
        return write(dir, PRODUCT_PERFORMANCE, DimProductPerformance.getClassSchema(), rows,
                Comparator.comparingLong(DimProductPerformance::getProductId));
    }

    public static long writeCrossSellCandidates(Path dir, Iterator<FctCrossSellCandidates> rows) {
        return write(dir, CROSS_SELL_CANDIDATES, FctCrossSellCandidates.getClassSchema(), rows,
                Comparator.comparingLong(FctCrossSellCandidates::getUserId).thenComparingLong(FctCrossSellCandidates::getProductId));
    }

    private static <T extends SpecificRecordBase> long write(Path dir, String mart, Schema schema, Iterator<T> rows,
                                                             Comparator<T> order) {
        List<T> sorted = new ArrayList<>();
        rows.forEachRemaining(sorted::add);
        sorted.sort(order);
        List<Schema.Field> fields = schema.getFields();
        String[] header = fields.stream().map(Schema.Field::name).toArray(String[]::new);
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(mart + ".csv");
            Path temp = dir.resolve("." + mart + ".csv.tmp");
            try (Writer w = Files.newBufferedWriter(temp, StandardCharsets.UTF_8);
                 CSVPrinter out = new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader(header).build())) {
                Object[] values = new Object[fields.size()];
                for (T row : sorted) {
                    for (Schema.Field f : fields) {
                        values[f.pos()] = text(row.get(f.pos()));
                    }
                    out.printRecord(values);
                }
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + mart + ".csv in " + dir + ": " + e.getMessage(), e);
        }
        return sorted.size();
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant t) {
            return Timestamps.format(t);
        }
        return value.toString();
    }
}
