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
            out.set(f.name(), value(row.get(f.pos())));
        }
        return out;
    }

    private static com.fasterxml.jackson.databind.JsonNode value(Object v) {
        var nodes = JSON.getNodeFactory();
        if (v == null) {
            return nodes.nullNode();
        } else if (v instanceof Instant t) {
            return nodes.textNode(timestamp(t));
        } else if (v instanceof Long l) {
            return nodes.numberNode(l);
        } else if (v instanceof Integer i) {
            return nodes.numberNode(i);
        } else if (v instanceof Double d) {
            return nodes.numberNode(d);
        } else if (v instanceof java.util.List<?> list) {
            var array = nodes.arrayNode();
            list.forEach(e -> array.add(value(e)));
            return array;
        }
        return nodes.textNode(v.toString());
    }

    static String timestamp(Instant t) {
        return MICROS.format(t);
    }
}
