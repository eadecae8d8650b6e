package thelook.streams.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import thelook.backfill.csv.RowConverter;
import thelook.schemas.TheLookTable;

/**
 * One Pub/Sub message as one theLook row (docs/ingest.md): the attribute {@code table} names the table
 * ({@code events} when absent); the body is a JSON object keyed by column names (unknown keys ignored,
 * numbers as JSON numbers or numeric strings, timestamps as the CSV source reads them, NULL as null or
 * absent), validated by the CSV source's {@link RowConverter}; the attribute {@code op=delete} with a
 * body holding the primary key is a delete. Anything else is a {@link BadMessageException} naming what.
 */
public final class RowMessages {
    public static final String TABLE_ATTRIBUTE = "table";
    public static final String OP_ATTRIBUTE = "op";
    public static final TheLookTable DEFAULT_TABLE = TheLookTable.EVENTS;

    /** A row to produce: its table, its key and its record, or null for a delete. */
    public record Row(TheLookTable table, long key, SpecificRecord value) {}

    /** The message cannot become a row; the message says why. */
    public static final class BadMessageException extends Exception {
        public BadMessageException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<TheLookTable, RowConverter> converters = new EnumMap<>(TheLookTable.class);
    private final Map<TheLookTable, List<String>> columns = new EnumMap<>(TheLookTable.class);

    public RowMessages() {
        for (TheLookTable table : TheLookTable.values()) {
            List<String> names = table.schema().getFields().stream().map(Schema.Field::name).toList();
            Map<String, Integer> header = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                header.put(names.get(i), i);
            }
            columns.put(table, names);
            converters.put(table, new RowConverter(table, header));
        }
    }

    /** A row given as columns (what {@link RowPublisher} would publish), through the very checks a message goes through. */
    public Row of(TheLookTable table, Map<String, ?> row) throws BadMessageException {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(row);
        } catch (JsonProcessingException e) {
            throw new BadMessageException(table.tableName() + ": the row cannot be written as JSON: " + e.getOriginalMessage());
        }
        return parse(body, Map.of(TABLE_ATTRIBUTE, table.tableName()));
    }

    public Row parse(byte[] body, Map<String, String> attributes) throws BadMessageException {
        String tableName = attributes.get(TABLE_ATTRIBUTE);
        TheLookTable table;
        if (tableName == null || tableName.isEmpty()) {
            table = DEFAULT_TABLE;
        } else {
            try {
                table = TheLookTable.byName(tableName.trim().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadMessageException("unknown table '" + shorten(tableName) + "' in the attribute table");
            }
        }
        String op = attributes.getOrDefault(OP_ATTRIBUTE, "upsert").trim().toLowerCase(Locale.ROOT);
        if (!op.equals("upsert") && !op.equals("delete")) {
            throw new BadMessageException("unknown op '" + shorten(op) + "' (expected delete, or no op attribute)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadMessageException(table.tableName() + ": the body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadMessageException(table.tableName() + ": the body is not readable: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadMessageException(table.tableName() + ": the body is not a JSON object");
        }
        List<String> names = columns.get(table);
        String[] values = new String[names.size()];
        for (int i = 0; i < names.size(); i++) {
            values[i] = text(table, names.get(i), root.get(names.get(i)));
        }
        int pk = names.indexOf(table.primaryKey());
        if (values[pk] == null || values[pk].isBlank()) {
            throw new BadMessageException(table.tableName() + ": the primary key " + table.primaryKey() + " is missing");
        }
        long key;
        try {
            key = Long.parseLong(values[pk].trim());
        } catch (NumberFormatException e) {
            throw new BadMessageException(table.tableName() + ": column " + table.primaryKey() + ": cannot read '" + shorten(values[pk])
                    + "' as INT64");
        }
        if (op.equals("delete")) {
            return new Row(table, key, null);
        }
        try {
            SpecificRecord record = converters.get(table).convert(values);
            return new Row(table, (Long) ((SpecificRecordBase) record).get(table.primaryKey()), record);
        } catch (IllegalArgumentException e) {
            throw new BadMessageException(table.tableName() + ": " + e.getMessage());
        }
    }

    private static String text(TheLookTable table, String column, JsonNode v) throws BadMessageException {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue().isEmpty() ? null : v.textValue();
        }
        if (v.isIntegralNumber()) {
            return v.bigIntegerValue().toString();
        }
        if (v.isNumber()) {
            return v.decimalValue().toString();
        }
        throw new BadMessageException(table.tableName() + ": column " + column + ": expected a number, a string or null, not "
                + v.getNodeType().name().toLowerCase(Locale.ROOT));
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
