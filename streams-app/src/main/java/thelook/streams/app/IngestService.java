package thelook.streams.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import thelook.schemas.TopicSerdes;
import thelook.streams.ingest.PubSubAccess;
import thelook.streams.ingest.PubSubIngest;
import thelook.streams.names.TopicNames;
import thelook.streams.serving.StatusServer;

/** {@code ingest pubsub}: a subscription into the input topics, beside a {@code run}, with /metrics and health of its own. */
public final class IngestService implements AutoCloseable {
    /**
     * @param emulator    {@code host:port} of the Pub/Sub emulator, or null for Google
     * @param credentials a key file, or null for Application Default Credentials
     * @param port        of /metrics, /health/*, /status; 0 any free port, -1 none
     */
    public record Options(KafkaClients clients, RegistrySettings registry, TopicNames topics, PubSubIngest.Settings pubsub,
                          String emulator, java.nio.file.Path credentials, int port) {}

    private final Options options;
    private final JobListener listener;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private PubSubAccess access;
    private PubSubIngest ingest;
    private StatusServer status;

    private IngestService(Options options, JobListener listener) {
        this.options = options;
        this.listener = listener;
    }

    public static IngestService start(Options options, JobListener listener) {
        IngestService service = new IngestService(options, listener);
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
        listener.phase("Checking the schema registry", -1);
        TopicSerdes serdes = options.registry().serdes(false);
        serdes.prepareSubjects(RegistrySettings.projectTopics(options.topics()));
        try (Admin admin = options.clients().admin()) {
            ServiceTopics.ensure(admin, options.topics(), null);
        }
        listener.info("Kafka:           " + options.clients().describe());
        listener.info("Schema Registry: " + options.registry().url());
        listener.phase("Subscribing to " + options.pubsub().subscription()
                + (options.emulator() != null ? " (emulator " + options.emulator() + ")" : ""), -1);
        access = PubSubAccess.of(options.emulator(), options.credentials());
        ingest = PubSubIngest.start(options.pubsub(), access, options.clients().config(), serdes, options.topics(), meters);
        if (options.port() >= 0) {
            status = StatusServer.start(options.port(), meters, this::ready, this::statusJson);
            listener.info("status:          http://localhost:" + status.port() + "/status (also /metrics, /health/ready)");
        }
    }

    private boolean ready() {
        return ingest != null && ingest.running();
    }

    private ObjectNode statusJson() {
        ObjectNode o = MartSinks.JSON.createObjectNode();
        o.put("subscription", options.pubsub().subscription());
        o.put("running", ready());
        meters.find("thelook.ingest.received").counters().forEach(c -> o.put("received", (long) c.count()));
        meters.find("thelook.ingest.dead.letters").counters().forEach(c -> o.put("dead_letters", (long) c.count()));
        o.put("produced", meters.find("thelook.ingest.produced").counters().stream().mapToLong(c -> (long) c.count()).sum());
        return o;
    }

    /** Bridges until {@link #stop()}; a line every 10 s with the counts; fails when the subscriber stopped on an error. */
    public void runUntilStopped(Duration checkEvery) throws InterruptedException {
        long lastLine = System.nanoTime();
        while (!stopped.await(checkEvery.toMillis(), TimeUnit.MILLISECONDS)) {
            if (!ingest.running()) {
                Throwable cause = ingest.failure();
                throw new IllegalStateException("pulling from " + options.pubsub().subscription() + " stopped: "
                        + (cause == null ? "unknown reason" : cause.getMessage()), cause);
            }
            if (System.nanoTime() - lastLine > 10e9) {
                lastLine = System.nanoTime();
                listener.info("ingest: " + statusJson());
            }
        }
    }

    public int statusPort() {
        return status == null ? -1 : status.port();
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public void stop() {
        stopped.countDown();
    }

    /** Stops pulling and waits for the messages in flight (produced and acked), then the rest. */
    @Override
    public void close() {
        stop();
        CloseInOrder.close(status, ingest, access);
    }
}
