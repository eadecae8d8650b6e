package thelook.streams.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.gax.batching.BatchingSettings;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.threeten.bp.Duration;
import thelook.schemas.TheLookTable;

/**
 * Publishes theLook rows in the format {@code ingest} reads (docs/ingest.md): the row as a JSON object, the
 * attribute {@code table}, {@code op=delete} for a delete, and the ordering key {@code <table>:<key>} so that
 * one row's messages keep their order. A failed publish is counted, and its ordering key resumed so that
 * the key's later messages go out; so is every message still unsent when {@link #close} gives up waiting.
 */
public final class RowPublisher implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RowPublisher.class);
    /** How long {@link #close()} waits for Pub/Sub to take what is batched. */
    public static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(15);

    private final Publisher publisher;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong submitted = new AtomicLong();
    /** Set when close gave up: the unsent messages are counted as failed then, and their callbacks no longer count. */
    private boolean abandoned;
    private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** @param topic {@code projects/P/topics/T} */
    public RowPublisher(String topic, PubSubAccess access) {
        if (topic == null || !topic.matches("projects/[^/]+/topics/[^/]+")) {
            throw new IllegalArgumentException("--topic takes projects/PROJECT/topics/NAME, not " + topic);
        }
        try {
            Publisher.Builder builder = Publisher.newBuilder(topic).setEnableMessageOrdering(true)
                    .setCredentialsProvider(access.credentials())
                    .setBatchingSettings(BatchingSettings.newBuilder().setElementCountThreshold(500L)
                            .setRequestByteThreshold(1_000_000L).setDelayThreshold(Duration.ofMillis(5)).build());
            if (access.channels() != null) {
                builder.setChannelProvider(access.channels());
            }
            publisher = builder.build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot publish to " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Publishes one row (or, with {@code delete}, a delete of {@code key}); the future gives the message id. */
    public ApiFuture<String> publish(TheLookTable table, long key, Map<String, Object> columns, boolean delete) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(delete ? Map.of(table.primaryKey(), key) : columns);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the row as JSON: " + e.getMessage(), e);
        }
        return publishRaw(table.tableName() + ":" + key, body, delete ? Map.of(RowMessages.TABLE_ATTRIBUTE, table.tableName(),
                RowMessages.OP_ATTRIBUTE, "delete") : Map.of(RowMessages.TABLE_ATTRIBUTE, table.tableName()));
    }

    /** Publishes any body with any attributes (the tests' malformed messages go through here too). */
    public ApiFuture<String> publishRaw(String orderingKey, byte[] body, Map<String, String> attributes) {
        PubsubMessage.Builder message = PubsubMessage.newBuilder().setData(ByteString.copyFrom(body)).putAllAttributes(attributes);
        if (orderingKey != null) {
            message.setOrderingKey(orderingKey);
        }
        ApiFuture<String> future = publisher.publish(message.build());
        submitted.incrementAndGet();
        ApiFutures.addCallback(future, new ApiFutureCallback<>() {
            @Override
            public void onFailure(Throwable t) {
                synchronized (RowPublisher.this) {
                    if (abandoned) {
                        return; // already counted as failed by close
                    }
                    failed.incrementAndGet();
                    lastFailure.set(t);
                }
                if (orderingKey != null && !closed.get()) { // a shut-down publisher refuses resumePublish, and nothing follows
                    publisher.resumePublish(orderingKey);
                }
            }

            @Override
            public void onSuccess(String id) {
                synchronized (RowPublisher.this) {
                    if (!abandoned) {
                        published.incrementAndGet();
                    }
                }
            }
        }, MoreExecutors.directExecutor());
        return future;
    }

    public long published() {
        return published.get();
    }

    public long failed() {
        return failed.get();
    }

    public Throwable lastFailure() {
        return lastFailure.get();
    }

    /** {@link #close(java.time.Duration)} with {@link #CLOSE_WAIT}: what an interrupted load generator should wait. */
    @Override
    public void close() {
        close(CLOSE_WAIT);
    }

    /**
     * Sends what is batched and waits for it, at most {@code wait}: when Pub/Sub went away first (Ctrl-C in a terminal
     * reaches the emulator too) the client would retry for minutes; what is still unsent is then counted as failed
     * (so {@link #failed()} tells the caller) and said.
     */
    public void close(java.time.Duration wait) {
        if (closed.getAndSet(true)) {
            return;
        }
        Thread shutdown = new Thread(() -> {
            try {
                publisher.shutdown();
                publisher.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "thelook-publisher-shutdown");
        shutdown.setDaemon(true);
        shutdown.start();
        try {
            shutdown.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (shutdown.isAlive()) {
            long unsent;
            synchronized (this) {
                abandoned = true;
                unsent = submitted.get() - published.get() - failed.get();
                failed.addAndGet(unsent);
                lastFailure.compareAndSet(null, new IllegalStateException("Pub/Sub did not take the last messages within "
                        + wait.toSeconds() + " s"));
            }
            LOG.warn("Pub/Sub did not confirm the last {} message(s) within {} s; counted as failed (some may still arrive)", unsent,
                    wait.toSeconds());
        }
    }
}
