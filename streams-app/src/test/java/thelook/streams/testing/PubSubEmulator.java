package thelook.streams.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.Subscription;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.ingest.PubSubAccess;

/**
 * The real Pub/Sub emulator of the Google Cloud SDK in a child process on a free port, for tests. Where the
 * SDK or its emulator is absent the test is skipped with a message, except under {@code CI=true}, where
 * .ci/run installs it and its absence fails the test.
 */
public final class PubSubEmulator implements AutoCloseable {
    private final Process process;
    private final String hostPort;
    private final Path log;

    private PubSubEmulator(Process process, String hostPort, Path log) {
        this.process = process;
        this.hostPort = hostPort;
        this.log = log;
    }

    /** Starts it (about 5 s); skips the calling test when the emulator is not installed (outside CI). */
    public static PubSubEmulator start(Path dataDir) throws Exception {
        Path launcher = launcher();
        if (launcher == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("the Pub/Sub emulator is missing in CI: .ci/run should have installed it"
                        + " (google-cloud-cli-pubsub-emulator)");
            }
            assumeTrue(false, "the Pub/Sub emulator is not installed (gcloud components install pubsub-emulator, or apt-get"
                    + " install google-cloud-cli-pubsub-emulator): skipped");
        }
        int port = ApicurioRegistry.freePort();
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("emulator.log");
        Process p = new ProcessBuilder(launcher.toString(), "--host=127.0.0.1", "--port=" + port,
                "--data-dir=" + dataDir.toAbsolutePath()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PubSubEmulator emulator = new PubSubEmulator(p, "127.0.0.1:" + port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!emulator.answers()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                emulator.close();
                throw new IllegalStateException("the Pub/Sub emulator did not start:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        return emulator;
    }

    /** {@code platform/pubsub-emulator/bin/cloud-pubsub-emulator} under the SDK root, or null. */
    private static Path launcher() {
        for (String root : List.of(System.getenv().getOrDefault("CLOUDSDK_ROOT", ""), sdkRoot(), "/usr/lib/google-cloud-sdk")) {
            if (root != null && !root.isBlank()) {
                Path p = Path.of(root, "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String sdkRoot() {
        try {
            Process p = new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1))), 500);
            return Files.readString(log).contains("Server started");
        } catch (IOException e) {
            return false;
        }
    }

    public String hostPort() {
        return hostPort;
    }

    /** Creates {@code projects/P/topics/T} and an ordered subscription to it; returns the subscription's name. */
    public String createOrderedSubscription(String project, String topic, String subscription, int ackDeadlineSeconds)
            throws IOException {
        return createSubscription(project, topic, subscription, ackDeadlineSeconds, true);
    }

    /** Creates {@code projects/P/topics/T} and a subscription to it, with or without message ordering. */
    public String createSubscription(String project, String topic, String subscription, int ackDeadlineSeconds, boolean ordered)
            throws IOException {
        try (PubSubAccess access = PubSubAccess.of(hostPort, null);
             TopicAdminClient topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                     .setTransportChannelProvider(access.channels()).setCredentialsProvider(access.credentials()).build());
             SubscriptionAdminClient subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                     .setTransportChannelProvider(access.channels()).setCredentialsProvider(access.credentials()).build())) {
            String topicName = "projects/" + project + "/topics/" + topic;
            topics.createTopic(topicName);
            String name = "projects/" + project + "/subscriptions/" + subscription;
            subscriptions.createSubscription(Subscription.newBuilder().setName(name).setTopic(topicName)
                    .setEnableMessageOrdering(ordered).setAckDeadlineSeconds(ackDeadlineSeconds).build());
            return name;
        }
    }

    /**
     * Seeks a subscription to {@code time}: every message published since is unacked again and delivered again (what
     * an operator does to replay, and what the tests use to redeliver without waiting on the emulator's lease expiry).
     */
    public void seek(String subscription, java.time.Instant time) throws IOException {
        try (PubSubAccess access = PubSubAccess.of(hostPort, null);
             SubscriptionAdminClient subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                     .setTransportChannelProvider(access.channels()).setCredentialsProvider(access.credentials()).build())) {
            subscriptions.seek(com.google.pubsub.v1.SeekRequest.newBuilder().setSubscription(subscription)
                    .setTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()))
                    .build());
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
