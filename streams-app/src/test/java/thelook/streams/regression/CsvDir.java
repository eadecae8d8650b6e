package thelook.streams.regression;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import thelook.schemas.TheLookTable;

/** theLook tables as editable rows (column -> text, null = empty), read from and written to a CSV directory. */
final class CsvDir {
    final Map<TheLookTable, List<Map<String, String>>> tables = new LinkedHashMap<>();

    static CsvDir empty() {
        CsvDir dir = new CsvDir();
        for (TheLookTable t : TheLookTable.values()) {
            dir.tables.put(t, new ArrayList<>());
        }
        return dir;
    }

    static CsvDir read(Path dir) throws IOException {
        CsvDir out = empty();
        for (TheLookTable t : TheLookTable.values()) {
            Path file = dir.resolve(t.tableName() + ".csv");
            if (!Files.exists(file)) {
                continue;
            }
            try (Reader r = Files.newBufferedReader(file);
                 CSVParser p = CSVParser.parse(r, CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build())) {
                for (CSVRecord rec : p) {
                    Map<String, String> row = new LinkedHashMap<>();
                    p.getHeaderNames().forEach(h -> row.put(h, rec.get(h).isEmpty() ? null : rec.get(h)));
                    out.tables.get(t).add(row);
                }
            }
        }
        return out;
    }

    /** A deep copy: its rows can be changed without changing these. */
    CsvDir copy() {
        CsvDir out = empty();
        tables.forEach((t, rows) -> rows.forEach(r -> out.tables.get(t).add(new LinkedHashMap<>(r))));
        return out;
    }

    /** Adds a row given as alternating column, value pairs; columns not named are NULL. */
    CsvDir row(TheLookTable table, String... columnsAndValues) {
        Map<String, String> row = new LinkedHashMap<>();
        for (Schema.Field f : table.schema().getFields()) {
            row.put(f.name(), null);
        }
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            if (!row.containsKey(columnsAndValues[i])) {
                throw new IllegalArgumentException(table + " has no column " + columnsAndValues[i]);
            }
            row.put(columnsAndValues[i], columnsAndValues[i + 1]);
        }
        tables.get(table).add(row);
        return this;
    }

    List<Map<String, String>> rows(TheLookTable table) {
        return tables.get(table);
    }

    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (var e : tables.entrySet()) {
            String[] header = e.getKey().schema().getFields().stream().map(Schema.Field::name).toArray(String[]::new);
            try (Writer w = Files.newBufferedWriter(dir.resolve(e.getKey().tableName() + ".csv"), StandardCharsets.UTF_8);
                 CSVPrinter out = new CSVPrinter(w, CSVFormat.RFC4180.builder().setHeader(header).build())) {
                for (Map<String, String> row : e.getValue()) {
                    List<String> values = new ArrayList<>();
                    for (String h : header) {
                        values.add(row.get(h));
                    }
                    out.printRecord(values);
                }
            }
        }
        return dir;
    }
}
