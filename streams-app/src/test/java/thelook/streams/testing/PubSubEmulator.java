package thelook.streams.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The real Pub/Sub emulator ({@link thelook.streams.embedded.PubSubEmulator}) for tests. Where the SDK or its
 * emulator is absent the test is skipped with a message, except under {@code CI=true}, where .ci/run installs it
 * and its absence fails the test.
 */
public final class PubSubEmulator implements AutoCloseable {
    private final thelook.streams.embedded.PubSubEmulator emulator;

    private PubSubEmulator(thelook.streams.embedded.PubSubEmulator emulator) {
        this.emulator = emulator;
    }

    /** Starts it (about 5 s); skips the calling test when the emulator is not installed (outside CI). */
    public static PubSubEmulator start(Path dataDir) throws Exception {
        requireInstalled();
        return new PubSubEmulator(thelook.streams.embedded.PubSubEmulator.start(dataDir));
    }

    /** Skips the calling test when the emulator is not installed, or fails it under CI. */
    public static void requireInstalled() {
        if (!thelook.streams.embedded.PubSubEmulator.installed()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("the Pub/Sub emulator is missing in CI: .ci/run should have installed it"
                        + " (google-cloud-cli-pubsub-emulator)");
            }
            assumeTrue(false, "the Pub/Sub emulator is not installed (gcloud components install pubsub-emulator, or apt-get"
                    + " install google-cloud-cli-pubsub-emulator): skipped");
        }
    }

    public String hostPort() {
        return emulator.hostPort();
    }

    /** Creates {@code projects/P/topics/T} and an ordered subscription to it; returns the subscription's name. */
    public String createOrderedSubscription(String project, String topic, String subscription, int ackDeadlineSeconds)
            throws IOException {
        return emulator.createSubscription(project, topic, subscription, ackDeadlineSeconds, true);
    }

    public String createSubscription(String project, String topic, String subscription, int ackDeadlineSeconds, boolean ordered)
            throws IOException {
        return emulator.createSubscription(project, topic, subscription, ackDeadlineSeconds, ordered);
    }

    @Override
    public void close() {
        emulator.close();
    }
}
