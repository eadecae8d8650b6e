package thelook.streams.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import thelook.schemas.registry.CompatibilityLevel;
import thelook.schemas.registry.MockSchemaRegistry;
import thelook.schemas.registry.RegisteredSchema;
import thelook.schemas.registry.RegistryException;

/**
 * The embedded mode's Schema Registry, served over HTTP with the part of Confluent's REST API that
 * Avro serdes use (register, look up, fetch by id, versions, compatibility, config), so that other
 * processes (a {@code backfill}, a second {@code run}, any Confluent consumer) can read and write the
 * embedded broker's topics. The schemas live in memory ({@link MockSchemaRegistry}) and every change is
 * appended to a journal file next to the broker's data: records in Kafka outlive the process and carry
 * schema ids, so a restart replays the journal and gets the very same ids back. Written by hand because
 * Confluent's registry is not on Maven Central and Apicurio is a whole application server.
 */
public final class EmbeddedRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final MockSchemaRegistry registry;
    private final BufferedWriter journal;
    private final Javalin server;

    private EmbeddedRegistry(MockSchemaRegistry registry, BufferedWriter journal, int port) {
        this.registry = registry;
        this.journal = journal;
        this.server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1"; // this machine only: the registry has no authentication
            config.jetty.port = port;
            config.routes.get("/subjects", ctx -> json(ctx, JSON.valueToTree(registry.subjects())));
            config.routes.post("/subjects/{subject}/versions", ctx -> json(ctx,
                    JSON.createObjectNode().put("id", register(ctx.pathParam("subject"), schemaOf(ctx)))));
            config.routes.post("/subjects/{subject}", ctx -> json(ctx,
                    registered(registry.lookup(ctx.pathParam("subject"), schemaOf(ctx)))));
            config.routes.get("/subjects/{subject}/versions", ctx -> json(ctx,
                    JSON.valueToTree(registry.versions(ctx.pathParam("subject")))));
            config.routes.get("/subjects/{subject}/versions/{version}", ctx -> {
                String v = ctx.pathParam("version");
                String subject = ctx.pathParam("subject");
                json(ctx, registered(v.equals("latest") ? registry.latest(subject) : registry.version(subject, number(v))));
            });
            config.routes.get("/schemas/ids/{id}", ctx -> json(ctx,
                    JSON.createObjectNode().put("schema", registry.schemaById(number(ctx.pathParam("id"))).toString())));
            config.routes.post("/compatibility/subjects/{subject}/versions/latest", ctx -> json(ctx,
                    JSON.createObjectNode().put("is_compatible", registry.isCompatible(ctx.pathParam("subject"), schemaOf(ctx)))));
            config.routes.get("/config", ctx -> json(ctx,
                    JSON.createObjectNode().put("compatibilityLevel", CompatibilityLevel.BACKWARD.name())));
            config.routes.get("/config/{subject}", ctx -> json(ctx, JSON.createObjectNode()
                    .put("compatibilityLevel", registry.compatibility(ctx.pathParam("subject")).name())));
            config.routes.put("/config/{subject}", ctx -> {
                JsonNode body = JSON.readTree(ctx.body());
                CompatibilityLevel level = CompatibilityLevel.parse(body.path("compatibility").asText());
                setCompatibility(ctx.pathParam("subject"), level);
                json(ctx, JSON.createObjectNode().put("compatibility", level.name()));
            });
            config.routes.exception(RegistryException.class, (e, ctx) -> error(ctx, e.status(), e.errorCode(), e.getMessage()));
            config.routes.exception(BadRequest.class, (e, ctx) -> error(ctx, 422, RegistryException.INVALID_SCHEMA, e.getMessage()));
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 422, 42203, e.getMessage()));
            config.routes.exception(IOException.class, (e, ctx) -> error(ctx, 422, 42201, "unreadable body: " + e.getMessage()));
            config.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    error(ctx, 404, 404, "no such endpoint: " + ctx.method() + " " + ctx.path());
                }
            });
        });
    }

    /** Replays {@code journalFile} (when present) into a fresh in-memory registry and serves it on {@code port}. */
    public static EmbeddedRegistry start(Path journalFile, int port) {
        String scope = "embedded-" + journalFile.toAbsolutePath();
        MockSchemaRegistry.drop(scope);
        MockSchemaRegistry registry = MockSchemaRegistry.scope(scope);
        try {
            Files.createDirectories(journalFile.toAbsolutePath().getParent());
            if (Files.exists(journalFile)) {
                replay(registry, journalFile);
            }
            BufferedWriter journal = Files.newBufferedWriter(journalFile, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            EmbeddedRegistry embedded = new EmbeddedRegistry(registry, journal, port);
            try {
                embedded.server.start();
            } catch (RuntimeException e) {
                embedded.close();
                throw new IllegalArgumentException("cannot serve the schema registry on port " + port + " (" + e.getMessage()
                        + "): choose another with --embedded-registry-port, or name a registry with --schema-registry-url", e);
            }
            return embedded;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the registry journal " + journalFile + ": " + e.getMessage(), e);
        }
    }

    private static void replay(MockSchemaRegistry registry, Path journalFile) throws IOException {
        int line = 0;
        for (String text : Files.readAllLines(journalFile, StandardCharsets.UTF_8)) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            try {
                JsonNode entry = JSON.readTree(text);
                String subject = entry.path("subject").asText();
                if (entry.has("schema")) {
                    registry.register(subject, new Schema.Parser().setValidateDefaults(false).parse(entry.get("schema").asText()));
                } else {
                    registry.setCompatibility(subject, CompatibilityLevel.parse(entry.path("compatibility").asText()));
                }
            } catch (IOException | RuntimeException e) {
                // a line cut short by a crash mid-write is the only expected damage, and only ever the last one
                throw new IllegalStateException(journalFile + " line " + line + " cannot be read (" + e.getMessage()
                        + "); the topics' schema ids depend on it, so it is not skipped", e);
            }
        }
    }

    public String url() {
        return "http://localhost:" + server.port();
    }

    public int port() {
        return server.port();
    }

    private synchronized int register(String subject, Schema schema) throws IOException {
        int before = versionCount(subject);
        int id = registry.register(subject, schema);
        if (versionCount(subject) != before) {
            append(JSON.createObjectNode().put("subject", subject).put("schema", schema.toString()));
        }
        return id;
    }

    private synchronized void setCompatibility(String subject, CompatibilityLevel level) throws IOException {
        if (registry.compatibility(subject) != level) {
            registry.setCompatibility(subject, level);
            append(JSON.createObjectNode().put("subject", subject).put("compatibility", level.name()));
        }
    }

    private int versionCount(String subject) {
        return registry.subjects().contains(subject) ? registry.versions(subject).size() : 0;
    }

    /** Written and flushed before the answer goes out: an id a client has seen is never forgotten. */
    private void append(ObjectNode entry) throws IOException {
        journal.write(entry.toString());
        journal.newLine();
        journal.flush();
    }

    private static Schema schemaOf(Context ctx) throws IOException {
        JsonNode body = JSON.readTree(ctx.body());
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new BadRequest("only AVRO schemas are served here, not " + type);
        }
        try {
            return new Schema.Parser().setValidateDefaults(false).parse(body.path("schema").asText());
        } catch (SchemaParseException e) {
            throw new BadRequest("Invalid schema: " + e.getMessage());
        }
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new BadRequest("not a number: " + text);
        }
    }

    private static ObjectNode registered(RegisteredSchema s) {
        return JSON.createObjectNode().put("subject", s.subject()).put("version", s.version()).put("id", s.id())
                .put("schema", s.schema().toString());
    }

    private static void json(Context ctx, JsonNode body) {
        ctx.contentType(CONTENT_TYPE).result(body.toString());
    }

    private static void error(Context ctx, int status, int code, String message) {
        ctx.status(status).contentType(CONTENT_TYPE)
                .result(JSON.createObjectNode().put("error_code", code).put("message", message).toString());
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } finally {
            try {
                journal.close();
            } catch (IOException ignored) {
                // every entry was flushed when it was written
            }
        }
    }
}
