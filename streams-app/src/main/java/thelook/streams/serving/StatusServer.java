package thelook.streams.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The few endpoints a process without stores needs (the {@code sink} command): {@code /metrics},
 * {@code /health/live}, {@code /health/ready} and {@code /status} (what {@code status} returns, as JSON).
 */
public final class StatusServer implements AutoCloseable {
    private final Javalin server;

    private StatusServer(Javalin server) {
        this.server = server;
    }

    public static StatusServer start(int port, PrometheusMeterRegistry metrics, BooleanSupplier ready, Supplier<JsonNode> status) {
        Javalin server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.port = port;
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            config.routes.get("/health/live", ctx -> ctx.json(RowJson.JSON.createObjectNode().put("status", "live")));
            config.routes.get("/health/ready", ctx -> {
                boolean ok = ready.getAsBoolean();
                if (!ok) {
                    ctx.header("Retry-After", "1");
                }
                ctx.status(ok ? 200 : 503).json(RowJson.JSON.createObjectNode().put("status", ok ? "ready" : "not_ready"));
            });
            config.routes.get("/status", ctx -> ctx.json(status.get()));
            config.routes.error(404, ctx -> ctx.json(RowJson.JSON.createObjectNode().put("error", "not_found")
                    .put("detail", "no such route: " + ctx.path())));
        });
        try {
            server.start();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot listen on port " + port + " (" + e.getMessage() + "): choose another with --port", e);
        }
        return new StatusServer(server);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
