package thelook.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API over the JDK's HTTP client. Several URLs fail over in turn; a
 * round that finds none of them answering (I/O error, time-out, 5xx) is retried with exponential
 * backoff, a 4xx never is. TLS uses the JVM's default trust settings ({@code javax.net.ssl.trustStore}).
 *
 * <p>Written by hand because Confluent's client is not on Maven Central; it covers only the calls in
 * {@link SchemaRegistry}.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {
    private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistry.class);
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryConfig config;
    private final HttpClient http;
    private volatile int preferred; // the URL that answered last

    public HttpSchemaRegistry(RegistryConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
    }

    @Override
    public int register(String subject, Schema schema) {
        return call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema)).path("id").asInt();
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        return registered(subject, call("POST", "/subjects/" + encode(subject), schemaBody(schema)));
    }

    @Override
    public Schema schemaById(int id) {
        return parse(call("GET", "/schemas/ids/" + id, null).path("schema").asText());
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(subject, call("GET", "/subjects/" + encode(subject) + "/versions/latest", null));
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return registered(subject, call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null));
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> out = new ArrayList<>();
        call("GET", "/subjects/" + encode(subject) + "/versions", null).forEach(v -> out.add(v.asInt()));
        return out;
    }

    @Override
    public List<String> subjects() {
        List<String> out = new ArrayList<>();
        call("GET", "/subjects", null).forEach(v -> out.add(v.asText()));
        return out;
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        try {
            return call("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema))
                    .path("is_compatible").asBoolean();
        } catch (RegistryException e) {
            if (e.notFound()) {
                return true; // nothing registered yet: anything may be the first version
            }
            throw e;
        }
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        JsonNode node;
        try {
            node = call("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null);
        } catch (RegistryException e) {
            if (!e.notFound()) {
                throw e;
            }
            node = call("GET", "/config", null); // registries that do not fall back to the global level themselves
        }
        JsonNode level = node.has("compatibilityLevel") ? node.get("compatibilityLevel") : node.path("compatibility");
        return CompatibilityLevel.parse(level.asText());
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
        call("PUT", "/config/" + encode(subject), body);
    }

    private JsonNode call(String method, String path, JsonNode body) {
        List<URI> urls = config.urls();
        String payload = body == null ? null : body.toString();
        Exception last = null;
        long started = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            for (int i = 0; i < urls.size(); i++) {
                int index = (preferred + i) % urls.size();
                URI url = URI.create(urls.get(index) + path);
                try {
                    HttpResponse<String> response = http.send(request(method, url, payload),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        preferred = index;
                        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
                    }
                    if (status < 500) {
                        preferred = index;
                        throw refusal(method, url, status, response.body());
                    }
                    last = new IOException("HTTP " + status + " from " + url + ": " + abbreviate(response.body()));
                } catch (IOException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnavailableException("interrupted while calling the schema registry " + urls, e);
                }
            }
            if (attempt >= config.maxRetries()) {
                throw new RegistryUnavailableException(String.format(
                        "schema registry %s did not answer %s %s after %d attempt(s) over %.1f s: %s",
                        urls, method, path, attempt + 1, (System.nanoTime() - started) / 1e9, describe(last)), last);
            }
            long wait = backoffMillis(attempt);
            log.warn("schema registry {} unavailable ({}); retry {} in {} ms", urls, describe(last), attempt + 1, wait);
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted while waiting for the schema registry " + urls, e);
            }
        }
    }

    long backoffMillis(int attempt) {
        long base = config.retryWait().toMillis();
        long max = Math.max(base, config.retryMaxWait().toMillis());
        return attempt >= 30 ? max : Math.min(max, base << attempt);
    }

    private HttpRequest request(String method, URI url, String payload) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, payload == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        if (payload != null) {
            b.header("Content-Type", CONTENT_TYPE);
        }
        if (config.authorization() != null) {
            b.header("Authorization", config.authorization());
        }
        return b.build();
    }

    /** The registry's own error code and message: {@code {"error_code": 40401, "message": "..."}}. */
    private static RegistryException refusal(String method, URI url, int status, String body) {
        int code = status;
        String message = abbreviate(body);
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.has("error_code")) {
                code = node.get("error_code").asInt();
            }
            if (node != null && node.has("message")) {
                message = node.get("message").asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // keep the raw body as the message
        }
        return new RegistryException("schema registry " + method + " " + url, status, code, message);
    }

    private static RegisteredSchema registered(String subject, JsonNode node) {
        return new RegisteredSchema(node.path("subject").asText(subject), node.path("version").asInt(),
                node.path("id").asInt(), parse(node.path("schema").asText()));
    }

    private static ObjectNode schemaBody(Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString());
    }

    private static Schema parse(String text) {
        return new Schema.Parser().setValidateDefaults(false).parse(text);
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String describe(Exception e) {
        return e == null ? "no URL tried" : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static String abbreviate(String body) {
        return body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
