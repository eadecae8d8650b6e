package thelook.streams.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * A mart row as JSON: the dbt column names in the mart's column order, timestamps as ISO-8601 UTC with
 * microseconds ({@code 2024-01-15T10:23:45.123456Z}), NULL as null.
 */
final class RowJson {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private RowJson() {}

    static ObjectNode of(SpecificRecord row) {
        ObjectNode out = JSON.createObjectNode();
        for (Schema.Field f : row.getSchema().getFields()) {
            Object v = row.get(f.pos());
            String name = f.name();
            if (v == null) {
                out.putNull(name);
            } else if (v instanceof Instant t) {
                out.put(name, timestamp(t));
            } else if (v instanceof Long l) {
                out.put(name, l);
            } else if (v instanceof Integer i) {
                out.put(name, i);
            } else if (v instanceof Double d) {
                out.put(name, d);
            } else {
                out.put(name, v.toString());
            }
        }
        return out;
    }

    static String timestamp(Instant t) {
        return MICROS.format(t);
    }
}
