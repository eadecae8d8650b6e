package thelook.backfill.bigquery;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import thelook.backfill.csv.Timestamps;
import thelook.schemas.TheLookTable;

/**
 * One row of a BigQuery read session (Avro, as the Storage Read API sends it) as the theLook record of its
 * table, column by column by name. BigQuery's own types map directly (INT64 long, FLOAT64 double, STRING,
 * TIMESTAMP micros); a NUMERIC becomes a double, and a STRING in a number or time column is read as the CSV
 * source reads text. A value that does not fit throws {@link IllegalArgumentException} naming the column.
 */
final class BigQueryRows {
    private final TheLookTable table;
    private final Schema target;
    private final int[] sourcePos;   // per target field: its position in the read schema, or -1
    private final Schema[] sourceTypes;

    BigQueryRows(TheLookTable table, Schema readSchema) {
        this.table = table;
        this.target = table.schema();
        List<Schema.Field> fields = target.getFields();
        sourcePos = new int[fields.size()];
        sourceTypes = new Schema[fields.size()];
        for (Schema.Field f : fields) {
            Schema.Field s = readSchema.getField(f.name());
            sourcePos[f.pos()] = s == null ? -1 : s.pos();
            sourceTypes[f.pos()] = s == null ? null : nonNull(s.schema());
        }
    }

    SpecificRecord convert(GenericRecord row) {
        SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, target);
        for (Schema.Field f : target.getFields()) {
            int pos = sourcePos[f.pos()];
            Object value = pos < 0 ? null : row.get(pos);
            try {
                record.put(f.pos(), value == null ? null : convert(value, sourceTypes[f.pos()], nonNull(f.schema())));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("column " + f.name() + ": cannot read " + shown(value) + " as "
                        + bigQueryType(nonNull(f.schema())) + (e.getMessage() != null ? " (" + e.getMessage() + ")" : ""));
            }
        }
        if (record.get(target.getField(table.primaryKey()).pos()) == null) {
            throw new IllegalArgumentException("column " + table.primaryKey() + ": the primary key is NULL");
        }
        return record;
    }

    private static Object convert(Object value, Schema from, Schema to) {
        boolean toTimestamp = to.getLogicalType() instanceof LogicalTypes.TimestampMicros;
        if (toTimestamp) {
            if (value instanceof Long micros && from.getLogicalType() instanceof LogicalTypes.TimestampMicros) {
                return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
            }
            if (value instanceof CharSequence text) {
                return Timestamps.parse(text.toString());
            }
            throw new IllegalArgumentException("not a TIMESTAMP");
        }
        return switch (to.getType()) {
            case LONG -> {
                if (value instanceof Long || value instanceof Integer) {
                    yield ((Number) value).longValue();
                }
                if (value instanceof CharSequence text) {
                    yield Long.parseLong(text.toString().trim());
                }
                BigDecimal d = decimal(value, from);
                yield d.longValueExact();
            }
            case DOUBLE -> {
                if (value instanceof Double || value instanceof Float || value instanceof Long || value instanceof Integer) {
                    yield ((Number) value).doubleValue();
                }
                if (value instanceof CharSequence text) {
                    yield Double.parseDouble(text.toString().trim());
                }
                yield decimal(value, from).doubleValue();
            }
            case STRING -> value instanceof CharSequence ? value.toString() : stringOf(value, from);
            default -> throw new IllegalStateException("unexpected column type " + to);
        };
    }

    /** NUMERIC and BIGNUMERIC arrive as two's-complement bytes with the scale in the schema. */
    private static BigDecimal decimal(Object value, Schema from) {
        if (value instanceof ByteBuffer bytes && from.getLogicalType() instanceof LogicalTypes.Decimal d) {
            byte[] b = new byte[bytes.remaining()];
            bytes.duplicate().get(b);
            return new BigDecimal(new BigInteger(b), d.getScale());
        }
        throw new IllegalArgumentException("not a number");
    }

    private static String stringOf(Object value, Schema from) {
        if (value instanceof ByteBuffer && from.getLogicalType() instanceof LogicalTypes.Decimal) {
            return decimal(value, from).toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw new IllegalArgumentException("not a STRING");
    }

    static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema s : schema.getTypes()) {
                if (s.getType() != Schema.Type.NULL) {
                    return s;
                }
            }
        }
        return schema;
    }

    private static String bigQueryType(Schema s) {
        if (s.getLogicalType() instanceof LogicalTypes.TimestampMicros) {
            return "TIMESTAMP";
        }
        return switch (s.getType()) {
            case LONG -> "INT64";
            case DOUBLE -> "FLOAT64";
            default -> "STRING";
        };
    }

    private static String shown(Object value) {
        String s = String.valueOf(value);
        return "'" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "'";
    }
}
