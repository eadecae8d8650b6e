package thelook.streams.serving;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Passes a request on to the instance that owns the key (the JDK's HTTP client), marked so that the
 * receiver answers from what it has and never forwards again, with the caller's token.
 */
final class Forwarder {
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Headers of the owner's answer that the caller must see. */
    private static final List<String> RELAYED = List.of(ApiServer.SERVED_BY, ApiServer.STALE, ApiServer.LAG,
            ApiServer.EVENT_TIME, "Retry-After");

    record Answer(int status, String body, Map<String, String> headers) {}

    /** No slot was free for another forwarded request: the caller answers 503 rather than queueing without bound. */
    static final Answer OVERLOADED = new Answer(503, "", Map.of());
    /** Forwarded requests in flight at once, each an open connection; past that, load is shed. */
    static final int MAX_IN_FLIGHT = 256;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    private final String token;

    Forwarder(String token) {
        this.token = token;
    }

    /** The same path and query at {@code baseUrl}; null when it cannot be reached in time. */
    Answer get(String baseUrl, Context ctx) {
        String query = ctx.queryString();
        return getPath(baseUrl, ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query), ctx);
    }

    Answer getPath(String baseUrl, String pathAndQuery, Context ctx) {
        try {
            if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                return OVERLOADED;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OVERLOADED;
        }
        try {
            return send(baseUrl, pathAndQuery);
        } finally {
            slots.release();
        }
    }

    private Answer send(String baseUrl, String pathAndQuery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(TIMEOUT)
                .header(ApiServer.FORWARDED, "1").header("Accept", ApiServer.JSON_TYPE).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h : RELAYED) {
                response.headers().firstValue(h).ifPresent(v -> headers.put(h, v));
            }
            return new Answer(response.statusCode(), response.body(), headers);
        } catch (IOException | IllegalArgumentException unreachable) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
