package thelook.streams.ingest;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.auth.oauth2.GoogleCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How {@code ingest} and {@code publish} reach Pub/Sub: the emulator ({@code --emulator host:port}: plaintext,
 * no credentials) or Google (Application Default Credentials, or a key file). Close it after the clients.
 */
public final class PubSubAccess implements AutoCloseable {
    private final ManagedChannel channel;
    private final TransportChannelProvider channels;
    private final CredentialsProvider credentials;

    private PubSubAccess(ManagedChannel channel, TransportChannelProvider channels, CredentialsProvider credentials) {
        this.channel = channel;
        this.channels = channels;
        this.credentials = credentials;
    }

    /**
     * @param emulator {@code host:port} of the Pub/Sub emulator, or null for Google
     * @param keyFile  a service account key file, or null for Application Default Credentials
     */
    public static PubSubAccess of(String emulator, Path keyFile) {
        if (emulator != null) {
            ManagedChannel channel = ManagedChannelBuilder.forTarget(emulator.replaceFirst("^https?://", "")).usePlaintext().build();
            return new PubSubAccess(channel, FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)),
                    NoCredentialsProvider.create());
        }
        try {
            GoogleCredentials c;
            if (keyFile != null) {
                try (InputStream in = Files.newInputStream(keyFile)) {
                    c = GoogleCredentials.fromStream(in);
                }
            } else {
                c = GoogleCredentials.getApplicationDefault();
            }
            return new PubSubAccess(null, null, FixedCredentialsProvider.create(c.createScoped("https://www.googleapis.com/auth/pubsub")));
        } catch (IOException e) {
            throw new IllegalStateException("no Pub/Sub credentials: " + (keyFile != null
                    ? "cannot read the key file " + keyFile + " (" + e.getClass().getSimpleName() + ")"
                    : "Application Default Credentials are not set up (run `gcloud auth application-default login`, or set"
                    + " GOOGLE_APPLICATION_CREDENTIALS, or pass --credentials FILE; --emulator HOST:PORT for the emulator)"), e);
        }
    }

    /** The channel provider for the emulator, or null for Google's default. */
    public TransportChannelProvider channels() {
        return channels;
    }

    public CredentialsProvider credentials() {
        return credentials;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }
}
