package thelook.streams.embedded;

import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.Subscription;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import thelook.streams.ingest.PubSubAccess;

/**
 * The Google Cloud SDK's Pub/Sub emulator in a child process on a free loopback port: what {@code demo} feeds its
 * live activity through when the emulator is installed, and what the tests run against. Found under the SDK root
 * ({@code CLOUDSDK_ROOT}, {@code gcloud info}, or Debian's /usr/lib/google-cloud-sdk).
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

    /** Whether the emulator is installed here. */
    public static boolean installed() {
        return launcher() != null;
    }

    /** Starts it (about 5 s) with its data and log under {@code dataDir}; fails when it is not installed or does not come up. */
    public static PubSubEmulator start(Path dataDir) throws IOException, InterruptedException {
        Path launcher = launcher();
        if (launcher == null) {
            throw new IllegalStateException("the Pub/Sub emulator is not installed (gcloud components install pubsub-emulator,"
                    + " or apt-get install google-cloud-cli-pubsub-emulator)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dataDir);
        Path log = dataDir.resolve("emulator.log");
        List<String> command = new java.util.ArrayList<>(List.of(launcher.toString(), "--host=127.0.0.1", "--port=" + port,
                "--data-dir=" + dataDir.toAbsolutePath()));
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // its own session: Ctrl-C in a terminal reaches the whole foreground group, and the demo needs the
            // emulator until it has bridged what is in flight; close() stops it
            command.add(0, "/usr/bin/setsid");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PubSubEmulator emulator = new PubSubEmulator(p, "127.0.0.1:" + port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!emulator.answers()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                emulator.close();
                throw new IllegalStateException("the Pub/Sub emulator did not start (its log: " + log + "):\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        return emulator;
    }

    /** {@code platform/pubsub-emulator/bin/cloud-pubsub-emulator} under the SDK root, or null. */
    private static Path launcher() {
        for (String root : List.of(System.getenv().getOrDefault("CLOUDSDK_ROOT", ""), "/usr/lib/google-cloud-sdk")) {
            Path p = launcherUnder(root);
            if (p != null) {
                return p;
            }
        }
        return launcherUnder(sdkRoot());
    }

    private static Path launcherUnder(String root) {
        if (root == null || root.isBlank()) {
            return null;
        }
        Path p = Path.of(root, "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");
        return Files.isExecutable(p) ? p : null;
    }

    private static String sdkRoot() {
        try {
            Process p = new ProcessBuilder("gcloud", "info", "--format=value(installation.sdk_root)").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null; // no gcloud on the PATH
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** Creates {@code projects/P/topics/T} when absent and a subscription to it, with or without message ordering; returns its name. */
    public String createSubscription(String project, String topic, String subscription, int ackDeadlineSeconds, boolean ordered)
            throws IOException {
        try (PubSubAccess access = PubSubAccess.of(hostPort, null);
             TopicAdminClient topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                     .setTransportChannelProvider(access.channels()).setCredentialsProvider(access.credentials()).build());
             SubscriptionAdminClient subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                     .setTransportChannelProvider(access.channels()).setCredentialsProvider(access.credentials()).build())) {
            String topicName = "projects/" + project + "/topics/" + topic;
            try {
                topics.createTopic(topicName);
            } catch (AlreadyExistsException another) {
                // a second subscription to the same topic
            }
            String name = "projects/" + project + "/subscriptions/" + subscription;
            subscriptions.createSubscription(Subscription.newBuilder().setName(name).setTopic(topicName)
                    .setEnableMessageOrdering(ordered).setAckDeadlineSeconds(ackDeadlineSeconds).build());
            return name;
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
