package thelook.streams.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * The service's own single-node KRaft Kafka (combined broker and controller), started in-process the
 * way {@code kafka-server-start.sh} starts one ({@link KafkaRaftServer}), for {@code run} without a
 * cluster. Unlike the replay's throw-away {@link EmbeddedKafka}, it keeps its data in {@code dataDir}
 * across restarts (formatted once, on first use) and listens on a fixed port, so other processes (a
 * {@code backfill}, Kafka's CLI tools, a second {@code run}) can reach it at {@code localhost:port}.
 */
public final class PersistentKafka implements AutoCloseable {
    private static final String BROKER = "PLAINTEXT";
    private static final String CONTROLLER = "CONTROLLER";

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private PersistentKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts (formatting {@code dataDir} first when it holds no Kafka yet) and waits until the broker takes requests. */
    public static PersistentKafka start(Path dataDir, int port, Duration timeout) {
        requireFree(port);
        Map<String, String> props = new HashMap<>(); // strings, as in a server.properties file
        int controllerPort = freePort(); // only this process talks to its controller, so any free port will do
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", BROKER + "://127.0.0.1:" + port + "," + CONTROLLER + "://127.0.0.1:" + controllerPort); // this machine only
        props.put("advertised.listeners", BROKER + "://localhost:" + port);
        props.put("listener.security.protocol.map", BROKER + ":PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        props.put("controller.listener.names", CONTROLLER);
        props.put("inter.broker.listener.name", BROKER);
        props.put("log.dirs", dataDir.resolve("data").toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.retention.ms", "-1"); // event time is old in a backfill; keep everything, compaction keeps it small
        props.put("auto.create.topics.enable", "false");
        try {
            Files.createDirectories(dataDir);
            if (!Files.exists(dataDir.resolve("data").resolve("meta.properties"))) {
                format(dataDir.resolve("data"));
            }
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            PersistentKafka kafka = new PersistentKafka(server, "localhost:" + port);
            try {
                kafka.awaitReady(timeout);
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded Kafka's directory " + dataDir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the embedded Kafka in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static void format(Path logDir) {
        try {
            new Formatter()
                    .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    // Transactions v1, as the replay's broker runs them. Under v2 (KIP-890, Kafka 4's default) every
                    // exactly-once commit made the next produce requests bounce off the broker with CONCURRENT_TRANSACTIONS
                    // and OUT_OF_ORDER_SEQUENCE, retried until they passed: hundreds of warnings a minute, same results.
                    .setFeatureLevel("transaction.version", (short) 1)
                    .setControllerListenerName(CONTROLLER)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format " + logDir + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady(Duration timeout) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded Kafka did not answer within " + timeout.toSeconds() + " s: " + e, e);
        }
    }

    private static void requireFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IllegalArgumentException("port " + port + " is taken (another Kafka?): choose another with"
                    + " --embedded-kafka-port, or use that Kafka with --bootstrap-servers localhost:" + port);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** A controlled shutdown: the broker's logs are flushed and closed, so the next start needs no recovery. */
    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
