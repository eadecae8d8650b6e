package thelook.streams.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

/**
 * The one way every command builds its Kafka clients: the bootstrap servers plus the user's client
 * settings ({@code --kafka-config KEY=VALUE}, {@code --kafka-config-file FILE}), handed unchanged to
 * every producer, consumer, admin and Kafka Streams client, so SASL_SSL, mTLS or any other security
 * setup is configured once. Settings a component needs for correctness (idempotence, isolation
 * level) are applied on top by that component; the user's settings win over its mere defaults.
 *
 * @param bootstrapServers where the cluster is
 * @param settings         the user's client settings, file first, then the repeatable options
 */
public record KafkaClients(String bootstrapServers, Map<String, String> settings) {
    private static final String[] SECRET_WORDS = {"password", "secret", "jaas", "token", "key", "credential", "auth"};

    public KafkaClients {
        settings = Map.copyOf(settings);
    }

    /** Reads {@code file} (a Java properties file, as Kafka's own tools take) and lays {@code options} over it. */
    public static KafkaClients of(String bootstrapServers, Path file, Map<String, String> options) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("--kafka-config-file " + file + ": no such file");
            }
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException("--kafka-config-file " + file + ": cannot read it: " + e.getMessage(), e);
            }
            p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        }
        if (options != null) {
            settings.putAll(options);
        }
        String fromSettings = settings.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        return new KafkaClients(bootstrapServers != null ? bootstrapServers : fromSettings, settings);
    }

    public boolean hasBootstrap() {
        return bootstrapServers != null && !bootstrapServers.isBlank();
    }

    public KafkaClients withBootstrap(String bootstrap) {
        return new KafkaClients(bootstrap, settings);
    }

    /** Bootstrap servers and the user's settings: the base of every client's configuration. */
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>(settings);
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return c;
    }

    /** {@code defaults} under the user's settings: a component's tuning that a user may override. */
    public Map<String, Object> config(Map<String, Object> defaults) {
        Map<String, Object> c = new LinkedHashMap<>(defaults);
        c.putAll(config());
        return c;
    }

    public Admin admin() {
        return Admin.create(config());
    }

    /**
     * Fails fast, naming the cluster, when it does not answer within {@code timeout}: a client would
     * otherwise retry quietly for a minute per call.
     */
    public void requireReachable(Duration timeout) {
        Admin admin = admin();
        try {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds()
                    + " s: check --bootstrap-servers, and the security settings (--kafka-config, --kafka-config-file)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reaching Kafka at " + bootstrapServers, e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /** The settings as printed: values of anything that could hold a secret are masked. */
    public String describe() {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((k, v) -> shown.put(k, secret(k) ? "*****" : v));
        return bootstrapServers + (shown.isEmpty() ? "" : " " + shown);
    }

    static boolean secret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (String w : SECRET_WORDS) {
            if (k.contains(w)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() { // records print their components; never print a secret by accident
        return "KafkaClients[" + describe() + "]";
    }
}
