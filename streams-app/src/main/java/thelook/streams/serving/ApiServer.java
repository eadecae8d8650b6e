package thelook.streams.serving;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thelook.schemas.Micros;
import thelook.streams.names.StoreNames;
import thelook.streams.state.KeyBytes;

/**
 * The marts over HTTP (Javalin): key lookups answered by the active owner (forwarded in one hop) or, when
 * it is away or rebalancing, by a standby with {@code X-Stale}; health, Prometheus metrics and the
 * instances' view. Every answer says who served it. Errors are JSON; no client input leads to a 5xx
 * other than 503 with {@code Retry-After}. docs/api.md documents every route.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    static final String FORWARDED = "X-Thelook-Forwarded";
    static final String SERVED_BY = "X-Served-By";
    static final String STALE = "X-Stale";
    static final String LAG = "X-Lag-Records";
    static final String EVENT_TIME = "X-Event-Time";
    static final String JSON_TYPE = "application/json";
    static final int MAX_CONNECTIONS = 1024;
    /** The routes of this API, for 405 answers and the OpenAPI check. */
    static final List<String> API_ROUTES = List.of("/api/customers", "/api/customers/{userId}", "/api/customers/{userId}/cross-sell",
            "/api/products", "/api/products/{productId}", "/api/cross-sell", "/api/cross-sell/{userId}/{productId}", "/api/summary", "/api/customer-tiers", "/api/instances",
            "/health/live", "/health/ready", "/metrics", "/openapi.json");

    /**
     * @param port             where to listen (0: any free port)
     * @param advertisedHost   the host other instances reach this one at ({@code application.server})
     * @param advertisedPort   likewise its port; 0: the port it listens on
     * @param token            a bearer token required on /api/* (and /metrics when {@code metricsNeedToken}), or null
     */
    public record Settings(int port, String advertisedHost, int advertisedPort, String token, boolean metricsNeedToken) {
        @Override
        public String toString() { // never the token
            return "ApiServer.Settings[port=" + port + ", advertised=" + advertisedHost + ":" + advertisedPort
                    + ", token=" + (token == null ? "none" : "set") + ", metricsNeedToken=" + metricsNeedToken + "]";
        }
    }

    private final Settings settings;
    private final MartQueries queries;
    private final Forwarder forwarder;
    private final Listings listings;
    private final Summary summary;
    private final TierFields tiers;
    private static final long ROW_COUNT_EVERY_NANOS = 30_000_000_000L;
    private final java.util.Map<String, RowCount> rowCounts = new java.util.concurrent.ConcurrentHashMap<>();
    private final PrometheusMeterRegistry metrics;
    private final java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode> sinks;
    private final KafkaStreamsMetrics streamsMetrics;
    private final Javalin server;

    private ApiServer(Settings settings, MartQueries queries, String applicationId, PrometheusMeterRegistry metrics,
                      java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode> sinks) {
        this.settings = settings;
        this.queries = queries;
        this.metrics = metrics;
        this.sinks = sinks;
        this.forwarder = new Forwarder(settings.token());
        this.tiers = new TierFields(queries);
        this.listings = new Listings(queries, forwarder, new Cursors(applicationId, settings.token()), tiers);
        this.summary = new Summary(queries, forwarder);
        this.streamsMetrics = new KafkaStreamsMetrics(queries.streams());
        streamsMetrics.bindTo(metrics);
        for (String store : List.of(StoreNames.CUSTOMER_METRICS, StoreNames.PRODUCT_PERFORMANCE, StoreNames.CROSS_SELL_CANDIDATES)) {
            metrics.gauge("thelook.mart.rows", io.micrometer.core.instrument.Tags.of("store", store), this,
                    api -> api.localRows(store));
        }
        this.server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.port = settings.port();
            // Overload protection: past this many open connections Jetty stops accepting until some close.
            // Without it a burst of slow requests (a 2,000/s load on a saturated 2-core machine) opened
            // connections until the process ran out of file descriptors, and the embedded broker, which
            // shares them, shut down.
            config.jetty.modifyServer(server -> server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, server)));
            config.requestLogger.http(this::record);
            // The dashboard (plain HTML, JS and CSS from the jar; it reads this API like any client) at /.
            config.staticFiles.add("/dashboard", io.javalin.http.staticfiles.Location.CLASSPATH);
            config.routes.before("/api/*", this::requireToken);
            config.routes.before("/internal/*", this::requireToken);
            if (settings.metricsNeedToken()) {
                config.routes.before("/metrics", this::requireToken);
            }
            config.routes.get("/api/customers/{userId}", ctx -> {
                long userId = id(ctx, "userId");
                lookup(ctx, StoreNames.CUSTOMER_METRICS, userId, userId, "customer " + userId);
            });
            config.routes.get("/api/products/{productId}", ctx -> {
                long productId = id(ctx, "productId");
                lookup(ctx, StoreNames.PRODUCT_PERFORMANCE, productId, productId, "product " + productId);
            });
            config.routes.get("/api/cross-sell/{userId}/{productId}", ctx -> {
                long userId = id(ctx, "userId");
                long productId = id(ctx, "productId");
                lookup(ctx, StoreNames.CROSS_SELL_CANDIDATES, productId, KeyBytes.of(productId, userId),
                        "cross-sell candidate (user " + userId + ", product " + productId + ")");
            });
            config.routes.get("/api/customers", ctx -> listing(ctx, Listings.CUSTOMERS, null));
            config.routes.get("/api/products", ctx -> listing(ctx, Listings.PRODUCTS, null));
            config.routes.get("/api/cross-sell", ctx -> listing(ctx, Listings.CROSS_SELL, null));
            config.routes.get("/api/customers/{userId}/cross-sell", ctx -> listing(ctx, Listings.USER_CROSS_SELL, id(ctx, "userId")));
            config.routes.get("/internal/v1/page", ctx -> {
                requireServing();
                listings.localPage(ctx);
            });
            config.routes.get("/api/summary", ctx -> {
                requireServing();
                ctx.header(SERVED_BY, queries.selfName());
                ObjectNode totals = summary.all(ctx);
                if (totals.hasNonNull("event_time")) {
                    ctx.header(EVENT_TIME, totals.get("event_time").asText());
                }
                json(ctx, 200, totals);
            });
            config.routes.get("/internal/v1/summary", ctx -> {
                requireServing();
                json(ctx, 200, summary.local());
            });
            config.routes.get("/api/customer-tiers", ctx -> {
                requireServing();
                ctx.header(SERVED_BY, queries.selfName());
                var thresholds = tiers.thresholds();
                if (thresholds == null) {
                    throw ApiError.notFound("no customer tier thresholds yet: no customer has an order");
                }
                json(ctx, 200, RowJson.of(thresholds));
            });
            config.routes.get("/api/instances", this::instances);
            config.routes.get("/internal/v1/instance", ctx -> json(ctx, 200, self()));
            config.routes.get("/health/live", ctx -> json(ctx, 200, RowJson.JSON.createObjectNode().put("status", "live")));
            config.routes.get("/health/ready", this::ready);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            config.routes.get("/openapi.json", ctx -> ctx.contentType(JSON_TYPE).result(OpenApi.document()));
            for (String route : API_ROUTES) {
                for (HandlerType method : List.of(HandlerType.POST, HandlerType.PUT, HandlerType.DELETE, HandlerType.PATCH)) {
                    config.routes.addHttpHandler(method, route, ctx -> { throw new MethodNotAllowed(ctx.method().name()); });
                }
            }
            config.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.error, e.getMessage(), e.retryAfterSeconds));
            config.routes.exception(MethodNotAllowed.class, (e, ctx) -> {
                ctx.header("Allow", "GET");
                error(ctx, 405, "method_not_allowed", e.getMessage() + " is not allowed here; use GET", null);
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("could not answer {} {}", ctx.method(), ctx.path(), e); // a bug or an outage: say so, but never a 500
                error(ctx, 503, "unavailable", "the service could not answer: " + e.getClass().getSimpleName(), 1);
            });
            config.routes.error(404, ctx -> {
                if (!JSON_TYPE.equals(ctx.res().getContentType())) {
                    error(ctx, 404, "not_found", "no such route: " + ctx.path(), null);
                }
            });
        });
    }

    /** Starts listening; {@code queries} must already have this instance's advertised host. */
    static ApiServer start(Settings settings, MartQueries queries, String applicationId, PrometheusMeterRegistry metrics,
                           java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode> sinks) {
        ApiServer api = new ApiServer(settings, queries, applicationId, metrics, sinks);
        try {
            api.server.start();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot serve the API on port " + settings.port() + " (" + e.getMessage()
                    + "): choose another with --port", e);
        }
        return api;
    }

    /**
     * Starts on the topology of a running app; {@code self} is what {@code application.server} says; the
     * application id keys the page cursors, so that every instance accepts the others'.
     */
    public static ApiServer start(Settings settings, KafkaStreams streams, org.apache.kafka.streams.Topology topology, HostInfo self,
                                  String applicationId) {
        return start(settings, streams, topology, self, applicationId, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null);
    }

    /**
     * The same, scraping {@code metrics} at /metrics (where others, such as sinks, may register theirs too), and
     * listing {@code sinks} (a JSON array of their states, or null for none) in this instance's entry of /api/instances.
     */
    public static ApiServer start(Settings settings, KafkaStreams streams, org.apache.kafka.streams.Topology topology, HostInfo self,
                                  String applicationId, PrometheusMeterRegistry metrics,
                                  java.util.function.Supplier<? extends com.fasterxml.jackson.databind.JsonNode> sinks) {
        return start(settings, new MartQueries(streams, topology, self), applicationId, metrics, sinks);
    }

    private void listing(Context ctx, Listings.Listing listing, Long user) {
        requireServing();
        listings.page(ctx, listings.parse(ctx, listing, user));
    }

    public int port() {
        return server.port();
    }

    private void lookup(Context ctx, String store, long partitionKey, Object key, String what) throws Exception {
        requireServing();
        KeyQueryMetadata meta = queries.locate(store, partitionKey);
        int partition = meta.partition();
        boolean forwarded = ctx.header(FORWARDED) != null;
        if (meta.activeHost().equals(queries.self())) {
            try {
                answer(ctx, queries.<Object, SpecificRecord>active(store, partition, key), what, false, 0, store, partition);
                return;
            } catch (InvalidStateStoreException movingOrRestoring) {
                staleOrUnavailable(ctx, store, partition, key, what);
                return;
            }
        }
        if (forwarded) { // one hop only: answer from what is here
            staleOrUnavailable(ctx, store, partition, key, what);
            return;
        }
        Forwarder.Answer answer = forwarder.get(MartQueries.url(meta.activeHost()), ctx);
        if (answer == Forwarder.OVERLOADED) {
            throw ApiError.unavailable("too many requests are being forwarded; try again");
        }
        if (answer != null && answer.status() < 500) {
            relay(ctx, answer);
            return;
        }
        if (queries.hostsStandby(meta)) {
            staleOrUnavailable(ctx, store, partition, key, what);
            return;
        }
        for (HostInfo standby : meta.standbyHosts()) {
            Forwarder.Answer fromStandby = forwarder.get(MartQueries.url(standby), ctx);
            if (fromStandby != null && fromStandby.status() < 500) {
                relay(ctx, fromStandby);
                return;
            }
        }
        throw ApiError.unavailable("the owner of this " + what.split(" ")[0] + " (" + meta.activeHost() + ") is not answering"
                + " and no standby could");
    }

    private void staleOrUnavailable(Context ctx, String store, int partition, Object key, String what) {
        try {
            SpecificRecord row = queries.stale(store, partition, key);
            answer(ctx, row, what, true, Math.max(0, queries.lag(store, partition)), store, partition);
        } catch (InvalidStateStoreException e) {
            throw ApiError.unavailable("partition " + partition + " of " + store + " is moving between instances");
        }
    }

    private void answer(Context ctx, SpecificRecord row, String what, boolean stale, long lag, String store, int partition) {
        ctx.header(SERVED_BY, queries.selfName());
        Long micros = queries.eventTime(store, partition);
        if (micros != null) {
            ctx.header(EVENT_TIME, eventTime(micros));
        }
        if (stale) {
            ctx.header(STALE, "true");
            ctx.header(LAG, Long.toString(lag));
        }
        if (row == null) {
            throw ApiError.notFound("no " + what);
        }
        json(ctx, 200, tiers.json(row));
    }

    private static void relay(Context ctx, Forwarder.Answer answer) {
        answer.headers().forEach(ctx::header);
        ctx.status(answer.status()).contentType(JSON_TYPE).result(answer.body());
    }

    private void requireServing() {
        KafkaStreams.State state = queries.streams().state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw ApiError.unavailable("the service is " + state);
        }
    }

    private void ready(Context ctx) {
        KafkaStreams.State state = queries.streams().state();
        boolean ready = state == KafkaStreams.State.RUNNING; // RUNNING: every active task is restored
        ObjectNode body = RowJson.JSON.createObjectNode().put("status", ready ? "ready" : "not_ready").put("state", state.name());
        if (!ready) {
            ctx.header("Retry-After", "1");
        }
        json(ctx, ready ? 200 : 503, body);
    }

    private ObjectNode self() {
        ObjectNode out = RowJson.JSON.createObjectNode();
        out.put("instance", queries.selfName());
        out.put("state", queries.streams().state().name());
        ObjectNode stores = out.putObject("stores");
        for (String store : List.of(StoreNames.CUSTOMER_METRICS, StoreNames.PRODUCT_PERFORMANCE, StoreNames.CROSS_SELL_CANDIDATES)) {
            ObjectNode s = stores.putObject(store);
            MartQueries.Placement mine = queries.placements(store).stream()
                    .filter(p -> p.host().equals(queries.self())).findFirst().orElse(null);
            ArrayNode active = s.putArray("active");
            ArrayNode standby = s.putArray("standby");
            ObjectNode lag = s.putObject("lag_records");
            if (mine != null) {
                mine.active().forEach(active::add);
                mine.standby().forEach(standby::add);
                for (int p : mine.standby()) {
                    lag.put(Integer.toString(p), queries.lag(store, p));
                }
                for (int p : mine.active()) {
                    lag.put(Integer.toString(p), Math.max(0, queries.lag(store, p)));
                }
            }
        }
        if (sinks != null) {
            out.set("sinks", sinks.get());
        }
        return out;
    }

    /** Every instance's own view, gathered from each (one hop); one that does not answer is listed as unreachable. */
    private void instances(Context ctx) {
        requireServing();
        ArrayNode list = RowJson.JSON.createArrayNode();
        for (var m : queries.streams().metadataForAllStreamsClients()) {
            if (m.hostInfo().equals(queries.self())) {
                list.add(self());
                continue;
            }
            Forwarder.Answer a = forwarder.getPath(MartQueries.url(m.hostInfo()), "/internal/v1/instance", ctx);
            if (a != null && a.status() == 200) {
                try {
                    list.add(RowJson.JSON.readTree(a.body()));
                    continue;
                } catch (java.io.IOException unreadable) {
                    // listed as unreachable below
                }
            }
            list.add(RowJson.JSON.createObjectNode().put("instance", MartQueries.name(m)).put("state", "UNREACHABLE"));
        }
        ctx.header(SERVED_BY, queries.selfName());
        json(ctx, 200, RowJson.JSON.createObjectNode().set("instances", list));
    }

    private void requireToken(Context ctx) {
        if (settings.token() == null) {
            return;
        }
        String given = ctx.header("Authorization");
        byte[] expected = ("Bearer " + settings.token()).getBytes(StandardCharsets.UTF_8);
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            error(ctx, 401, "unauthorized", "a bearer token is required: Authorization: Bearer <token>", null);
            ctx.skipRemainingHandlers();
        }
    }

    static String eventTime(long micros) {
        return RowJson.timestamp(Micros.toInstant(micros));
    }

    static long id(Context ctx, String name) {
        String text = ctx.pathParam(name);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
            throw ApiError.badRequest(name + " must be an integer in the INT64 range, not '" + shown + "'");
        }
    }

    static void json(Context ctx, int status, com.fasterxml.jackson.databind.JsonNode body) {
        ctx.status(status).contentType(JSON_TYPE).result(body.toString());
    }

    static void error(Context ctx, int status, String error, String detail, Integer retryAfter) {
        if (retryAfter != null) {
            ctx.header("Retry-After", retryAfter.toString());
        }
        json(ctx, status, RowJson.JSON.createObjectNode().put("error", error).put("detail", detail));
    }

    private void record(Context ctx, Float millis) {
        String route;
        try {
            route = ctx.endpoint().path;
        } catch (RuntimeException none) {
            route = "unmatched";
        }
        Timer.builder("http.server.requests").tag("route", route).tag("method", ctx.method().name())
                .tag("status", Integer.toString(ctx.statusCode())).publishPercentileHistogram()
                .register(metrics).record((long) (millis * 1000), TimeUnit.MICROSECONDS);
    }

    /**
     * Rows of a mart in this instance's active partitions, counted by a scan at most every 30 s (a scrape is
     * cheap; RocksDB's own estimate counts overwritten keys too and ran several times too high).
     */
    private double localRows(String store) {
        long now = System.nanoTime();
        RowCount last = rowCounts.get(store);
        if (last != null && now - last.at() < ROW_COUNT_EVERY_NANOS) {
            return last.rows();
        }
        long rows = 0;
        for (MartQueries.Placement p : queries.placements(store)) {
            if (!p.host().equals(queries.self())) {
                continue;
            }
            for (int partition : p.active()) {
                try (var it = queries.activeStore(store, partition).all()) {
                    while (it.hasNext()) {
                        it.next();
                        rows++;
                    }
                } catch (InvalidStateStoreException moving) {
                    return last == null ? Double.NaN : last.rows(); // counted again at the next scrape
                }
            }
        }
        rowCounts.put(store, new RowCount(rows, now));
        return rows;
    }

    private record RowCount(long rows, long at) {}

    private static final class MethodNotAllowed extends RuntimeException {
        MethodNotAllowed(String method) {
            super(method);
        }
    }

    @Override
    public void close() {
        server.stop();
        streamsMetrics.close();
        metrics.close();
    }
}
