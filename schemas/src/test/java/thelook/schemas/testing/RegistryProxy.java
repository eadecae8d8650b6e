package thelook.schemas.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP hop in front of a real registry that a test can take down (503, or no listener at all) and
 * bring back, and that records what it was asked: how many requests and which Authorization headers.
 */
public final class RegistryProxy implements AutoCloseable {
    private final String target;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger failNext = new AtomicInteger();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile boolean unavailable;
    private HttpServer server;

    public RegistryProxy(String targetUrl) {
        this.target = targetUrl;
        this.port = ApicurioRegistry.freePort();
        listen();
    }

    /** The proxy's URL; the path after the host is the target's. */
    public String url() {
        return "http://localhost:" + port + URI.create(target).getPath();
    }

    /** Answer 503 to the next {@code n} requests, then forward again. */
    public void failNext(int n) {
        failNext.set(n);
    }

    /** Answer 503 to everything until {@link #recover()}. */
    public void beUnavailable() {
        unavailable = true;
    }

    public void recover() {
        unavailable = false;
    }

    /** Stop listening: connections are refused until {@link #listen()}. */
    public synchronized void stopListening() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public synchronized void listen() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + port, e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    public int requests() {
        return requests.get();
    }

    public List<String> authorizations() {
        return authorizations;
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth != null) {
            authorizations.add(auth);
        }
        try (exchange) {
            if (unavailable || failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                byte[] body = "{\"error_code\":50301,\"message\":\"proxy: registry unavailable\"}".getBytes();
                exchange.sendResponseHeaders(503, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            String base = URI.create(target).resolve("/").toString();
            URI uri = URI.create(base.substring(0, base.length() - 1) + exchange.getRequestURI());
            byte[] payload = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).method(exchange.getRequestMethod(),
                    payload.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(payload));
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            r.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().add("Content-Type", v));
            exchange.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            exchange.getResponseBody().write(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stopListening();
    }
}
