package thelook.backfill.csv;

import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import thelook.backfill.source.BadInputException;
import thelook.backfill.source.OnError;
import thelook.backfill.source.RequiredColumns;
import thelook.backfill.source.RowErrors;
import thelook.backfill.source.RowConsumer;
import thelook.backfill.source.TableReader;
import thelook.schemas.TheLookTable;

/**
 * One theLook table as {@code <dir>/<table>.csv} (docs/marts.md section 1): RFC 4180, UTF-8, a header row,
 * columns matched by name, empty field = NULL. A primary key that occurs again is an update, so
 * {@link #forEachCurrentRow} yields only the last row of each key, in file order.
 */
public final class CsvTableFile implements TableReader {
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).build();

    private final TheLookTable table;
    private final Path file;

    private CsvTableFile(TheLookTable table, Path file) {
        this.table = table;
        this.file = file;
    }

    public static Path pathOf(Path dir, TheLookTable table) {
        return dir.resolve(table.tableName() + ".csv");
    }

    /** Opens the table's file and checks its header; null when an optional file is absent. */
    public static CsvTableFile open(Path dir, TheLookTable table) {
        Path file = pathOf(dir, table);
        if (!Files.isRegularFile(file)) {
            if (RequiredColumns.isRequiredTable(table)) {
                throw new BadInputException(file + ": missing (the " + table.tableName() + " table is required)");
            }
            return null;
        }
        CsvTableFile csv = new CsvTableFile(table, file);
        try (CSVParser parser = csv.parser()) {
            List<String> missing = RequiredColumns.missing(table, parser.getHeaderMap().keySet());
            if (!missing.isEmpty()) {
                throw new BadInputException(file + ": line 1: missing required column"
                        + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing));
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw new BadInputException(file + ": line 1: cannot read the header: " + e.getMessage(), e);
        }
        return csv;
    }

    public Path file() {
        return file;
    }

    @Override
    public TheLookTable table() {
        return table;
    }

    @Override
    public long sizeBytes() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Yields the current version of every row (the last occurrence of each primary key), in file order.
     * A malformed row throws {@link BadInputException} naming file, line and column, or with
     * {@link OnError#SKIP} is recorded in {@code errors} and left out.
     */
    @Override
    public void forEachCurrentRow(OnError onError, RowErrors errors, RowConsumer consumer) {
        Long2LongOpenHashMap lastRecordOfKey = indexKeys(onError, errors);
        int pkColumn;
        try (CSVParser parser = parser()) {
            pkColumn = parser.getHeaderMap().get(table.primaryKey());
            RowConverter converter = new RowConverter(table, parser.getHeaderMap());
            int width = parser.getHeaderMap().size();
            forEachRecord(parser, (line, record) -> {
                Long key = parseKeyOrNull(record, pkColumn);
                if (key == null || lastRecordOfKey.get(key.longValue()) != record.getRecordNumber()
                        || record.size() != width) {
                    return; // superseded by a later row of the same key, or already reported by indexKeys
                }
                SpecificRecord row;
                try {
                    row = converter.convert(record.values());
                } catch (IllegalArgumentException e) {
                    reject(line, e.getMessage(), onError, errors);
                    return;
                }
                consumer.accept(line, row);
            });
        } catch (IOException e) {
            throw new BadInputException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * One pass for the usual file, whose keys are unique and rows all good: yields every row and returns
     * true. At the first repeated key or bad row it stops and returns false, having yielded only part; the
     * caller then drops what it got and calls {@link #forEachCurrentRow}, whose two passes deal with both
     * exactly as before. Saves the key-indexing pass (a whole parse of the file) when nothing needs it.
     */
    @Override
    public boolean forEachRowIfUniqueAndValid(RowConsumer consumer) {
        LongOpenHashSet keys = new LongOpenHashSet();
        try (CSVParser parser = parser()) {
            int pkColumn = parser.getHeaderMap().get(table.primaryKey());
            int width = parser.getHeaderMap().size();
            RowConverter converter = new RowConverter(table, parser.getHeaderMap());
            forEachRecord(parser, (line, record) -> {
                Long key = record.size() == width ? parseKeyOrNull(record, pkColumn) : null;
                if (key == null || !keys.add(key.longValue())) {
                    throw new NeedsTwoPasses();
                }
                SpecificRecord row;
                try {
                    row = converter.convert(record.values());
                } catch (IllegalArgumentException e) {
                    throw new NeedsTwoPasses();
                }
                consumer.accept(line, row);
            });
            return true;
        } catch (NeedsTwoPasses e) {
            return false;
        } catch (IOException e) {
            throw new BadInputException(file + ": " + e.getMessage(), e);
        }
    }

    /** Leaves the one-pass read early; carries no message because nothing is reported from it. */
    private static final class NeedsTwoPasses extends RuntimeException {
        NeedsTwoPasses() {
            super(null, null, false, false);
        }
    }

    /** First pass: primary key -> record number of its last occurrence; reports rows without a usable key. */
    private Long2LongOpenHashMap indexKeys(OnError onError, RowErrors errors) {
        Long2LongOpenHashMap last = new Long2LongOpenHashMap();
        last.defaultReturnValue(-1);
        try (CSVParser parser = parser()) {
            int pkColumn = parser.getHeaderMap().get(table.primaryKey());
            int width = parser.getHeaderMap().size();
            forEachRecord(parser, (line, record) -> {
                if (record.size() != width) {
                    reject(line, "expected " + width + " fields as in the header, found " + record.size(), onError, errors);
                    return;
                }
                String raw = record.get(pkColumn);
                if (raw == null || raw.isEmpty()) {
                    reject(line, "column " + table.primaryKey() + ": the primary key is empty", onError, errors);
                    return;
                }
                Long key = parseKeyOrNull(record, pkColumn);
                if (key == null) {
                    reject(line, "column " + table.primaryKey() + ": cannot read '" + raw + "' as INT64", onError, errors);
                    return;
                }
                last.put(key.longValue(), record.getRecordNumber());
            });
        } catch (IOException e) {
            throw new BadInputException(file + ": " + e.getMessage(), e);
        }
        return last;
    }

    private static Long parseKeyOrNull(CSVRecord record, int pkColumn) {
        if (pkColumn >= record.size()) {
            return null;
        }
        try {
            return Long.parseLong(record.get(pkColumn).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void reject(long line, String reason, OnError onError, RowErrors errors) {
        String message = file + ": line " + line + ": " + reason;
        if (onError == OnError.FAIL) {
            throw new BadInputException(message + " (use --on-error skip to leave such rows out)");
        }
        errors.add(message);
    }

    private interface RecordConsumer {
        void accept(long line, CSVRecord record);
    }

    private void forEachRecord(CSVParser parser, RecordConsumer consumer) {
        Iterator<CSVRecord> it = parser.iterator();
        while (true) {
            long before = parser.getCurrentLineNumber();
            CSVRecord record;
            try {
                if (!it.hasNext()) {
                    return;
                }
                record = it.next();
            } catch (UncheckedIOException | IllegalStateException e) {
                // The CSV syntax itself is broken (an unterminated quote): no row boundary to resume from.
                throw new BadInputException(file + ": line " + (before + 1) + ": not valid CSV: " + rootMessage(e), e);
            }
            consumer.accept(before + 1, record);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    private CSVParser parser() throws IOException {
        Reader reader = new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), 1 << 16);
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset(); // no byte order mark
        }
        return CSVParser.parse(reader, FORMAT);
    }
}
