package thelook.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS goes through the JVM's standard trust settings: a client JVM started with
 * {@code -Djavax.net.ssl.trustStore} reaches an HTTPS registry whose self-signed certificate is in that
 * store, and one without it is refused. Each client runs in its own JVM because the default SSL
 * context is made once per JVM. The HTTPS side is a stub answering {@code GET /subjects}.
 */
class TlsTrustTest {
    private static final String PASSWORD = "changeit";

    @TempDir
    Path tmp;

    /** The client side, run in a child JVM: exit 0 when the registry answered. */
    public static void main(String[] args) {
        try {
            new HttpSchemaRegistry(RegistryConfig.from(Map.of(RegistryConfig.URL, args[0], RegistryConfig.MAX_RETRIES, 0)))
                    .subjects();
            System.exit(0);
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(3);
        }
    }

    @Test
    void trustsWhatTheJvmTrustStoreTrustsAndNothingElse() throws Exception {
        Path keyStore = tmp.resolve("registry.p12");
        Path cert = tmp.resolve("registry.pem");
        Path trustStore = tmp.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "registry", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", PASSWORD);

        HttpsServer server = httpsServer(keyStore);
        try {
            String url = "https://localhost:" + server.getAddress().getPort();
            assertThat(client(url, "-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD))
                    .as("with the trust store").isEqualTo(0);
            assertThat(client(url)).as("with the JVM's default trust store only").isEqualTo(3);
        } finally {
            server.stop(0);
        }
    }

    private static HttpsServer httpsServer(Path keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = new FileInputStream(keyStore.toFile())) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        server.createContext("/subjects", exchange -> {
            byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static int client(String url, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TlsTrustTest.class.getName(), url));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("client finished: " + output).isTrue();
        return p.exitValue();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
