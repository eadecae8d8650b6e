package thelook.streams.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NOT BigQuery: the few REST calls of BigQuery's API that the sink makes (datasets.get, tables.get,
 * tables.insert), answered from memory by a local HTTP server, for tests only. It keeps each inserted
 * table's JSON as it came, so a test can check what the sink asked for. It can also deny everything (403).
 */
public final class FakeBigQueryRest implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Set<String> datasets = ConcurrentHashMap.newKeySet();
    private final Map<String, ObjectNode> tables = new ConcurrentHashMap<>();
    private final Javalin server;
    private volatile boolean denyAll;

    public FakeBigQueryRest() {
        server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.routes.before(ctx -> {
                if (denyAll) {
                    error(ctx, 403, "Access Denied: the caller does not have bigquery.datasets.get permission", "accessDenied");
                    ctx.skipRemainingHandlers();
                }
            });
            config.routes.get("/bigquery/v2/projects/{p}/datasets/{d}", ctx -> {
                String id = ctx.pathParam("p") + ":" + ctx.pathParam("d");
                if (!datasets.contains(id)) {
                    error(ctx, 404, "Not found: Dataset " + id, "notFound");
                    return;
                }
                ObjectNode d = JSON.createObjectNode().put("kind", "bigquery#dataset").put("id", id).put("location", "US");
                d.putObject("datasetReference").put("projectId", ctx.pathParam("p")).put("datasetId", ctx.pathParam("d"));
                ctx.contentType("application/json").result(d.toString());
            });
            config.routes.get("/bigquery/v2/projects/{p}/datasets/{d}/tables/{t}", ctx -> {
                ObjectNode t = tables.get(ctx.pathParam("p") + ":" + ctx.pathParam("d") + "." + ctx.pathParam("t"));
                if (t == null) {
                    error(ctx, 404, "Not found: Table " + ctx.pathParam("p") + ":" + ctx.pathParam("d") + "." + ctx.pathParam("t"), "notFound");
                    return;
                }
                ctx.contentType("application/json").result(t.toString());
            });
            config.routes.post("/bigquery/v2/projects/{p}/datasets/{d}/tables", ctx -> {
                byte[] body = ctx.bodyAsBytes();
                if ("gzip".equalsIgnoreCase(ctx.header("Content-Encoding"))) { // how Google's HTTP client sends bodies
                    try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
                        body = in.readAllBytes();
                    }
                }
                ObjectNode t = (ObjectNode) JSON.readTree(body);
                String name = t.path("tableReference").path("tableId").asText();
                String id = ctx.pathParam("p") + ":" + ctx.pathParam("d") + "." + name;
                if (!datasets.contains(ctx.pathParam("p") + ":" + ctx.pathParam("d"))) {
                    error(ctx, 404, "Not found: Dataset " + ctx.pathParam("p") + ":" + ctx.pathParam("d"), "notFound");
                    return;
                }
                if (tables.putIfAbsent(id, t.put("kind", "bigquery#table").put("id", id)
                        .put("creationTime", Long.toString(System.currentTimeMillis()))) != null) {
                    error(ctx, 409, "Already Exists: Table " + id, "duplicate");
                    return;
                }
                ctx.contentType("application/json").result(t.toString());
            });
        });
        server.start();
    }

    private static void error(Context ctx, int code, String message, String reason) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode e = body.putObject("error").put("code", code).put("message", message);
        e.putArray("errors").addObject().put("message", message).put("domain", "global").put("reason", reason);
        ctx.status(code).contentType("application/json").result(body.toString());
    }

    /** {@code http://127.0.0.1:port}, as the sink's {@code --bigquery-api-endpoint} takes it. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.port();
    }

    public void addDataset(String project, String dataset) {
        datasets.add(project + ":" + dataset);
    }

    /** A table as the sink created it (its JSON), or null. */
    public ObjectNode table(String project, String dataset, String table) {
        return tables.get(project + ":" + dataset + "." + table);
    }

    public void putTable(String project, String dataset, String table, ObjectNode json) {
        tables.put(project + ":" + dataset + "." + table, json);
    }

    public void denyAll(boolean deny) {
        this.denyAll = deny;
    }

    @Override
    public void close() {
        server.stop();
    }
}
