package thelook.schemas.registry;

import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;

/** Schemas of plain values, and name-matching projection of records onto another version of their schema. */
final class AvroData {
    /** Generic model that still writes the java.time values generated classes hold. */
    static final GenericData GENERIC = new GenericData();

    static {
        GENERIC.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        GENERIC.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        GENERIC.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
        GENERIC.addLogicalTypeConversion(new TimeConversions.DateConversion());
    }

    private static final Map<Class<?>, Schema.Type> PRIMITIVES = Map.of(Long.class, Schema.Type.LONG,
            Integer.class, Schema.Type.INT, String.class, Schema.Type.STRING, Boolean.class, Schema.Type.BOOLEAN,
            Double.class, Schema.Type.DOUBLE, Float.class, Schema.Type.FLOAT, byte[].class, Schema.Type.BYTES);

    private AvroData() {}

    static Schema schemaOf(Object value) {
        if (value instanceof IndexedRecord r) {
            return r.getSchema();
        }
        Schema.Type type = PRIMITIVES.get(value.getClass());
        if (type == null) {
            throw new IllegalArgumentException("cannot write a " + value.getClass().getName()
                    + " as Avro: expected a record or a primitive");
        }
        return Schema.create(type);
    }

    /** The value rewritten for schema {@code to}: record fields matched by name, missing ones defaulted. */
    static Object project(Object value, Schema to) {
        if (!(value instanceof IndexedRecord record)) {
            return value;
        }
        Schema target = to.getType() == Schema.Type.UNION
                ? to.getTypes().stream().filter(t -> t.getType() == Schema.Type.RECORD
                        && t.getFullName().equals(record.getSchema().getFullName())).findFirst().orElse(null)
                : to;
        if (target == null || target.getType() != Schema.Type.RECORD || target.equals(record.getSchema())) {
            return value;
        }
        GenericData.Record out = new GenericData.Record(target);
        for (Schema.Field field : target.getFields()) {
            Schema.Field source = record.getSchema().getField(field.name());
            out.put(field.pos(), source != null
                    ? project(record.get(source.pos()), field.schema())
                    : GENERIC.getDefaultValue(field));
        }
        return out;
    }
}
