package thelook.schemas.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * A real Schema Registry for tests: Apicurio Registry (in-memory) speaking the Confluent REST API under
 * {@code /apis/ccompat/v7}. Maven unpacks it into {@code target/apicurio}; one instance is started per
 * test JVM, on first use, and stopped when the JVM exits.
 */
public final class ApicurioRegistry {
    private static ApicurioRegistry shared;

    private final Process process;
    private final int port;

    private ApicurioRegistry(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static synchronized ApicurioRegistry shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    /** The Confluent-compatible API's base URL, as {@code schema.registry.url} takes it. */
    public String url() {
        return "http://localhost:" + port + "/apis/ccompat/v7";
    }

    /** A subject name no other test uses, so tests need no cleanup between them. */
    public static String uniqueSubject(String base) {
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ApicurioRegistry start() {
        Path home = Path.of(System.getProperty("apicurio.home", "target/apicurio"));
        Path jar = home.resolve("apicurio-registry-app-2.6.13.Final-runner.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Apicurio Registry is not unpacked at " + jar
                    + "; run the tests through Maven (the maven-dependency-plugin execution 'apicurio-registry')");
        }
        int port = freePort();
        try {
            Path log = home.resolve("registry-" + port + ".log");
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1", "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ApicurioRegistry registry = new ApicurioRegistry(process, port);
            registry.awaitReady(log);
            return registry;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start Apicurio Registry from " + jar, e);
        }
    }

    private void awaitReady(Path log) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url() + "/subjects")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        stop();
        throw new IllegalStateException("Apicurio Registry did not answer within 90 s; see " + log);
    }

    public void stop() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
