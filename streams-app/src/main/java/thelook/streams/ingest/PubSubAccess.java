package thelook.streams.ingest;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import thelook.backfill.bigquery.GoogleAccess;

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
            return new PubSubAccess(null, null, FixedCredentialsProvider.create(
                    GoogleAccess.credentials("Pub/Sub", "https://www.googleapis.com/auth/pubsub", keyFile, "--credentials")));
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (--emulator HOST:PORT for the emulator)", e.getCause());
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
