package thelook.streams.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import thelook.streams.ingest.PubSubAccess;

/** How {@code ingest pubsub} and {@code publish} reach Pub/Sub: the emulator, or Google with credentials. */
final class PubSubCliOptions {
    @Option(names = "--emulator", paramLabel = "HOST:PORT", description = "The Pub/Sub emulator (plaintext, no credentials);"
            + " default: Google, with Application Default Credentials.")
    String emulator;

    @Option(names = "--credentials", paramLabel = "FILE", description = "A service account key file instead of Application"
            + " Default Credentials. Never printed.")
    Path credentials;

    PubSubAccess access() {
        return PubSubAccess.of(emulator, credentials);
    }
}
