package thelook.streams.app;

import java.nio.file.Path;
import java.time.Duration;
import thelook.backfill.generate.LiveActivity;
import thelook.backfill.pace.Pacer;
import thelook.streams.embedded.PubSubEmulator;
import thelook.streams.ingest.DirectRows;
import thelook.streams.ingest.LiveLoad;
import thelook.streams.ingest.PubSubAccess;
import thelook.streams.ingest.PubSubIngest;
import thelook.streams.ingest.RowPublisher;

/**
 * {@code demo}: the whole service on one machine with no cloud. A {@link MartsService} (embedded broker and
 * registry unless told otherwise, the API and the dashboard, the DuckDB file) backfills a generated history, then
 * live activity keeps flowing: published to the Pub/Sub emulator and bridged by {@code ingest} when the emulator is
 * installed, else produced straight to the input topics.
 */
public final class DemoService implements AutoCloseable {
    /** Where the demo's live activity goes through. */
    public enum Live { PUBSUB, KAFKA }

    /**
     * @param service the {@code run} options (the source: the generated history)
     * @param rate    live rows a second, e.g. {@code 50/s}
     * @param pubsub  through the emulator when it is installed; false: always straight to Kafka
     */
    public record Options(MartsService.Options service, int users, long seed, String rate, boolean pubsub) {}

    static final String PROJECT = "thelook-demo";

    private final Options options;
    private final JobListener listener;
    private MartsService service;
    private PubSubEmulator emulator;
    private PubSubAccess access;
    private PubSubIngest ingest;
    private RowPublisher publisher;
    private DirectRows direct;
    private LiveLoad load;
    private Thread loadThread;
    private Live live;

    private DemoService(Options options, JobListener listener) {
        this.options = options;
        this.listener = listener;
    }

    /** Starts the service, backfills the history (the dashboard answers meanwhile), then starts the live activity. */
    public static DemoService start(Options options, JobListener listener) throws Exception {
        DemoService demo = new DemoService(options, listener);
        try {
            demo.startAll();
            return demo;
        } catch (Exception | Error e) {
            demo.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Pacer pacer = Pacer.parse("max", options.rate(), Pacer.SYSTEM);
        service = MartsService.start(options.service(), listener);
        var serdes = service.registry().serdes(false);
        var topics = options.service().topics();
        LiveLoad.Rows rows;
        if (options.pubsub() && PubSubEmulator.installed()) {
            listener.phase("Starting the Pub/Sub emulator", -1);
            Path data = options.service().stateDir().resolve("pubsub-emulator"); // a fresh emulator at every start
            org.apache.kafka.common.utils.Utils.delete(data.toFile());
            emulator = PubSubEmulator.start(data);
            String subscription = emulator.createSubscription(PROJECT, "thelook-live", "thelook-live-ingest", 30, true);
            access = PubSubAccess.of(emulator.hostPort(), null);
            ingest = PubSubIngest.start(new PubSubIngest.Settings(subscription, 10_000, 100L << 20), access,
                    service.clients().config(), serdes, topics, service.meters());
            publisher = new RowPublisher("projects/" + PROJECT + "/topics/thelook-live", access);
            rows = row -> publisher.publish(row.table(), row.key(), row.columns(), false);
            live = Live.PUBSUB;
            listener.info("live activity:   " + pacer.describe() + " published to the Pub/Sub emulator (" + emulator.hostPort()
                    + ", projects/" + PROJECT + "/topics/thelook-live), bridged into Kafka by ingest");
        } else {
            direct = new DirectRows(service.clients().config(), serdes, topics);
            rows = direct;
            live = Live.KAFKA;
            listener.info("live activity:   " + pacer.describe() + " produced straight to the input topics"
                    + (options.pubsub() ? " (the Pub/Sub emulator is not installed)" : ""));
        }
        load = new LiveLoad(new LiveActivity(options.users(), options.seed(), System.currentTimeMillis() * 1000), pacer, rows);
        loadThread = new Thread(() -> {
            try {
                load.run(null, null);
            } catch (Exception e) {
                listener.info("live activity stopped: " + e.getMessage());
            }
        }, "thelook-demo-live");
        loadThread.setDaemon(true);
        loadThread.start();
    }

    /** Serves until {@link #stop()}, as {@code run} does. */
    public void runUntilStopped(Duration checkEvery) throws InterruptedException {
        service.runUntilStopped(checkEvery);
    }

    public MartsService service() {
        return service;
    }

    /** Which way the live activity goes. */
    public Live live() {
        return live;
    }

    /** Live rows handed over so far. */
    public long liveRows() {
        return load == null ? 0 : load.handed();
    }

    public void stop() {
        if (service != null) {
            service.stop();
        }
    }

    /** The live activity first (what is batched sent, what is in flight bridged), then the service. */
    @Override
    public void close() {
        if (load != null) {
            load.stop();
            try {
                loadThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        CloseInOrder.close(publisher, ingest, access, emulator, direct, service);
    }
}
