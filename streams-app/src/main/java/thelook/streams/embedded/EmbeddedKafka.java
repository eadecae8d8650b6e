package thelook.streams.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft Kafka (combined broker and controller) started in-process from the Kafka jars,
 * for running without a cluster. Kafka's own KafkaClusterTestKit does the formatting and startup; it
 * is the supported way to run a KRaft node inside a JVM. Data lives in {@code dataDir} (wiped at
 * start: a replay starts from empty topics) or in a temp dir removed on close.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static EmbeddedKafka start(Path dataDir) {
        try {
            // The test kit defaults to the newest, unreleased metadata version; run what a production cluster runs.
            TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1);
            if (dataDir != null) {
                Utils.delete(dataDir.toFile()); // recursive; nothing there is fine
                Files.createDirectories(dataDir);
                nodes.setBaseDirectory(dataDir);
            }
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes.build())
                    .setDeleteOnClose(dataDir == null)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("log.retention.ms", "-1")
                    .build();
            formatQuietly(cluster);
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded Kafka", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the embedded Kafka: " + e.getMessage(), e);
        }
    }

    /** The kit's formatter prints its bootstrap metadata to stdout, which is the CLI's output; keep it out. */
    private static void formatQuietly(KafkaClusterTestKit cluster) throws Exception {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(out);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the embedded Kafka cleanly: " + e.getMessage(), e);
        }
    }
}
