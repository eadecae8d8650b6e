package thelook.streams.regression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** Reading the HTTP API in tests: GET with headers, and a JSON row back into the mart's record (to reuse MartCsv and the oracle). */
final class ApiRows {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Response(int status, JsonNode body, String text, Map<String, java.util.List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    private ApiRows() {}

    static Response get(String url, String... headers) {
        return send("GET", url, headers);
    }

    static Response send(String method, String url, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
            }
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            try {
                body = r.body().isEmpty() ? null : JSON.readTree(r.body());
            } catch (IOException notJson) {
                // left null
            }
            return new Response(r.statusCode(), body, r.body(), r.headers().map());
        } catch (IOException e) {
            throw new AssertionError(method + " " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A JSON row (dbt column names, ISO timestamps) as the mart's Avro record. */
    static <T extends SpecificRecordBase> T toRecord(JsonNode row, Class<T> type) {
        try {
            T record = type.getDeclaredConstructor().newInstance();
            for (Schema.Field f : record.getSchema().getFields()) {
                JsonNode v = row.get(f.name());
                if (v == null) {
                    throw new AssertionError("column " + f.name() + " missing from " + row);
                }
                record.put(f.pos(), v.isNull() ? null : value(nonNull(f.schema()), v));
            }
            return record;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Schema nonNull(Schema s) {
        if (s.getType() != Schema.Type.UNION) {
            return s;
        }
        return s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }

    private static Object value(Schema s, JsonNode v) {
        if (s.getLogicalType() instanceof LogicalTypes.TimestampMicros) {
            return Instant.parse(v.asText());
        }
        return switch (s.getType()) {
            case LONG -> v.asLong();
            case INT -> v.asInt();
            case DOUBLE -> v.asDouble();
            default -> v.asText();
        };
    }
}
