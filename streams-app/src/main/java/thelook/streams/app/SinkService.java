package thelook.streams.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import thelook.streams.names.TopicNames;
import thelook.streams.serving.StatusServer;
import thelook.streams.sink.MartSink;

/** {@code sink}: the sinks alone, beside a {@code run} elsewhere, with /metrics and health of their own. */
public final class SinkService implements AutoCloseable {
    /** @param port the status server's port; -1 for none */
    public record Options(KafkaClients clients, RegistrySettings registry, TopicNames topics, String groupPrefix, SinkOptions sinks,
                          int port) {}

    private final Options options;
    private final JobListener listener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private MartSinks sinks;
    private StatusServer status;
    private Admin admin;

    private SinkService(Options options, JobListener listener) {
        this.options = options;
        this.listener = listener;
    }

    public static SinkService start(Options options, JobListener listener) {
        SinkService service = new SinkService(options, listener);
        try {
            service.startAll();
            return service;
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
    }

    private void startAll() {
        listener.phase("Reaching Kafka", -1);
        options.clients().requireReachable(MartsService.KAFKA_ANSWER_TIMEOUT);
        admin = options.clients().admin();
        listener.info("Kafka:           " + options.clients().describe());
        listener.info("Schema Registry: " + options.registry().url());
        try {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            var missing = options.topics().marts().stream().filter(t -> !existing.contains(t)).toList();
            if (!missing.isEmpty()) {
                listener.info("the mart topics " + missing + " do not exist yet: waiting for `run` to create them"
                        + " (or check --topic-prefix)");
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the topics of " + options.clients().bootstrapServers() + ": " + e.getMessage(), e);
        }
        sinks = MartSinks.start(options.sinks(), options.clients(), options.topics(), options.registry().serdes(false),
                options.groupPrefix(), meters, listener);
        if (options.port() >= 0) {
            status = StatusServer.start(options.port(), meters, this::ready, this::statusJson);
            listener.info("status:          http://localhost:" + status.port() + "/status (also /metrics, /health/ready)");
        }
    }

    /** Ready: every sink writes and has measured its lag once (it has partitions and reached the target). */
    private boolean ready() {
        return sinks.sinks().stream().allMatch(s -> s.isAlive() && s.lag().records() >= 0);
    }

    private ObjectNode statusJson() {
        ObjectNode o = MartSinks.JSON.createObjectNode();
        o.set("sinks", sinks.statusJson());
        return o;
    }

    /** Writes until {@link #stop()}: says when every sink has caught up with the mart topics, and how far behind otherwise. */
    public void runUntilStopped(Duration checkEvery) throws InterruptedException {
        boolean caughtUp = false;
        long lastLine = 0;
        while (!stopped.await(checkEvery.toMillis(), TimeUnit.MILLISECONDS)) {
            sinks.checkHealthy();
            boolean now = sinks.sinks().stream().allMatch(s -> s.lag().caughtUp());
            if (now && !caughtUp) {
                listener.info(String.format("caught up: every mart record is written (%,d rows so far)",
                        sinks.sinks().stream().mapToLong(MartSink::rowsWritten).sum()));
            } else if (!now && System.nanoTime() - lastLine > 10e9) {
                lastLine = System.nanoTime();
                listener.info(sinks.statusLine());
            }
            caughtUp = now;
        }
    }

    public MartSinks sinks() {
        return sinks;
    }

    public int statusPort() {
        return status == null ? -1 : status.port();
    }

    public void stop() {
        stopped.countDown();
    }

    @Override
    public void close() {
        stop();
        CloseInOrder.close(status, sinks, admin);
    }
}
