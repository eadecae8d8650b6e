package thelook.backfill.csv;

import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import thelook.schemas.TheLookTable;

/**
 * Turns one row of text values of a theLook table (a CSV row, a Pub/Sub message's JSON) into its Avro record,
 * column by column, naming any bad value: one set of rules for every text source.
 */
public final class RowConverter {
    private enum Kind { LONG, DOUBLE, STRING, TIMESTAMP }

    private final Schema schema;
    private final int[] csvIndex;   // per Avro field: CSV column index, or -1 when the file lacks it
    private final Kind[] kinds;
    private final String[] names;

    /** @param header column name -> index in the value arrays given to {@link #convert} */
    public RowConverter(TheLookTable table, Map<String, Integer> header) {
        this.schema = table.schema();
        List<Schema.Field> fields = schema.getFields();
        csvIndex = new int[fields.size()];
        kinds = new Kind[fields.size()];
        names = new String[fields.size()];
        for (Schema.Field f : fields) {
            names[f.pos()] = f.name();
            csvIndex[f.pos()] = header.getOrDefault(f.name(), -1);
            kinds[f.pos()] = kindOf(f.schema());
        }
    }

    private static Kind kindOf(Schema union) {
        Schema s = union.getTypes().get(1);
        if (s.getLogicalType() instanceof LogicalTypes.TimestampMicros) {
            return Kind.TIMESTAMP;
        }
        return switch (s.getType()) {
            case LONG -> Kind.LONG;
            case DOUBLE -> Kind.DOUBLE;
            case STRING -> Kind.STRING;
            default -> throw new IllegalStateException("unexpected column type " + s);
        };
    }

    /** @throws IllegalArgumentException naming the column and value */
    public SpecificRecord convert(String[] values) {
        SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
        for (int i = 0; i < kinds.length; i++) {
            int idx = csvIndex[i];
            String raw = idx >= 0 && idx < values.length ? values[idx] : null;
            record.put(i, raw == null || raw.isEmpty() ? null : parse(i, raw));
        }
        return record;
    }

    private Object parse(int field, String raw) {
        try {
            return switch (kinds[field]) {
                case LONG -> Long.parseLong(raw.trim());
                case DOUBLE -> Double.parseDouble(raw.trim());
                case STRING -> raw;
                case TIMESTAMP -> Timestamps.parse(raw);
            };
        } catch (IllegalArgumentException e) {
            String type = switch (kinds[field]) {
                case LONG -> "INT64";
                case DOUBLE -> "FLOAT64";
                case STRING -> "STRING";
                case TIMESTAMP -> "TIMESTAMP";
            };
            throw new IllegalArgumentException("column " + names[field] + ": cannot read '" + raw + "' as " + type
                    + (kinds[field] == Kind.TIMESTAMP ? " (" + e.getMessage() + ")" : ""));
        }
    }
}
