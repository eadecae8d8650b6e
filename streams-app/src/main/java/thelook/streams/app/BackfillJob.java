package thelook.streams.app;

import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import thelook.backfill.bigquery.BigQuerySource;
import thelook.backfill.kafka.TopicWriter;
import thelook.backfill.pace.Pacer;
import thelook.backfill.plan.EventWindow;
import thelook.backfill.plan.PlannedRecord;
import thelook.backfill.plan.ReplayPlan;
import thelook.backfill.resume.Checkpoint;
import thelook.backfill.resume.KafkaCheckpoints;
import thelook.backfill.source.OnError;
import thelook.backfill.source.RowErrors;
import thelook.backfill.source.TableSource;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;
import thelook.streams.names.TopicNames;

/**
 * A source (CSV, generated or BigQuery) through the replay's planner into the input topics of a cluster
 * where the service may already run, paced, checkpointed and resumable; with {@code follow}, then new
 * BigQuery rows as they are created ({@link FollowLoop}). There is no "topics must be empty" rule: the
 * topology reads every topic as a changelog, so producing rows again changes no mart. Every table is read
 * and checked before the first record is produced, so a bad table leaves nothing half-produced.
 */
public final class BackfillJob {
    /**
     * @param clients    a cluster (bootstrap servers set)
     * @param registry   a resolved registry (its URL set)
     * @param partitions {@code --partitions}, or null to adopt the existing topics' count
     */
    public record Options(SourceSpec source, KafkaClients clients, RegistrySettings registry, TopicNames topics, Integer partitions,
                          OnError onError, Plan plan) {
        public Options(Path input, KafkaClients clients, RegistrySettings registry, TopicNames topics, Integer partitions,
                       OnError onError) {
            this(SourceSpec.csv(input), clients, registry, topics, partitions, onError, Plan.DEFAULT);
        }
    }

    /**
     * What to produce and how.
     *
     * @param tables          the tables to produce (all by default)
     * @param since           event times from (inclusive), or null
     * @param until           event times before (exclusive), or null
     * @param pace            {@code --speed}/{@code --rate}
     * @param follow          after the snapshot, keep producing new BigQuery rows
     * @param followEvery     how often to look for new rows
     * @param followOverlap   how far back before the last {@code created_at} seen each look reaches (late rows)
     * @param restart         ignore the checkpoint and start over
     * @param checkpointEvery how often progress is checkpointed
     */
    public record Plan(Set<TheLookTable> tables, Instant since, Instant until, Pacer pace, boolean follow, Duration followEvery,
                       Duration followOverlap, boolean restart, Duration checkpointEvery) {
        public static final Plan DEFAULT = new Plan(EnumSet.allOf(TheLookTable.class), null, null, Pacer.unlimited(), false,
                Duration.ofSeconds(30), Duration.ofMinutes(10), false, Duration.ofSeconds(5));

        /** The same, ignoring the checkpoint ({@code --restart}). */
        public Plan restarted() {
            return new Plan(tables, since, until, pace, follow, followEvery, followOverlap, true, checkpointEvery);
        }

        public EventWindow window() {
            return EventWindow.of(since, until);
        }
    }

    /** Records produced per table (this run), rows skipped, seconds, bytes read from the source. */
    public record Summary(long records, Map<String, Long> rowsPerTable, long skippedRows, double seconds, long bytesRead,
                          long bytesScanned, boolean resumed, boolean alreadyComplete) {
        public double recordsPerSecond() {
            return seconds > 0 ? records / seconds : 0;
        }
    }

    private final Options options;
    private final JobListener listener;
    private final BackfillMetrics metrics;
    private volatile boolean snapshotDone;
    private volatile boolean stopRequested;
    private volatile Thread runner;

    public BackfillJob(Options options, JobListener listener) {
        this(options, listener, null);
    }

    /** @param meters where {@code thelook_backfill_*} metrics go (inside {@code run}), or null */
    public BackfillJob(Options options, JobListener listener, MeterRegistry meters) {
        this.options = options;
        this.listener = listener;
        this.metrics = new BackfillMetrics(meters);
    }

    /** True once the snapshot is produced (a following backfill goes on after that). */
    public boolean snapshotDone() {
        return snapshotDone;
    }

    /**
     * Asks {@link #run} to stop (from another thread, e.g. a signal handler): it interrupts the pacing or the wait for
     * new rows, and {@code run} throws {@link InterruptedException}; what was acknowledged is checkpointed.
     */
    public void stop() {
        stopRequested = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }

    boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Produces the snapshot, then (with {@code follow}) new rows until stopped.
     *
     * @throws InterruptedException when stopped; what was acknowledged is checkpointed
     */
    public Summary run() throws InterruptedException {
        runner = Thread.currentThread();
        try {
            return runUntilDone();
        } finally {
            runner = null;
        }
    }

    private Summary runUntilDone() throws InterruptedException {
        long started = System.nanoTime();
        listener.phase("Reaching Kafka", -1);
        options.clients().requireReachable(MartsService.KAFKA_ANSWER_TIMEOUT);
        listener.phase("Checking the schema registry", -1);
        TopicSerdes serdes = options.registry().serdes(false);
        serdes.prepareSubjects(RegistrySettings.projectTopics(options.topics()));
        Plan plan = options.plan();
        KafkaCheckpoints checkpoints = new KafkaCheckpoints(options.clients().config(), options.topics().prefix() + "backfill-checkpoints");
        try (Admin admin = options.clients().admin()) {
            int partitions = ServiceTopics.ensure(admin, options.topics(), options.partitions());
            checkpoints.ensureTopic(admin);
            listener.info("topics under " + options.topics().prefix() + " have " + partitions + " partitions");
        }
        String key = checkpointKey();
        Optional<Checkpoint> saved = plan.restart() ? Optional.empty() : checkpoints.load(key);
        Instant snapshot = saved.map(c -> c.snapshotMicros() == null ? null : EventWindow.instant(c.snapshotMicros())).orElse(null);
        listener.phase("Reading " + options.source().key(), -1);
        try (TableSource source = options.source().open(plan.tables(), snapshot, null, plan.until());
             TopicWriter writer = new TopicWriter(options.clients().config(), serdes, Map.of())) {
            Checkpoint from = saved.filter(c -> c.fingerprint().equals(source.fingerprint())).orElse(null);
            if (saved.isPresent() && from == null) {
                listener.info("the source changed since the last checkpoint of this backfill: starting over");
            } else if (plan.restart()) {
                checkpoints.save(writer.producer(), key, null);
                listener.info("--restart: starting over");
            }
            Progress progress = new Progress(from, source);
            Summary summary;
            if (from != null && from.complete()) {
                boolean canFollow = options.source().kind() == SourceSpec.Kind.BIGQUERY && !plan.follow();
                listener.info(String.format("this backfill was completed on %s (%,d records); --restart produces it again%s",
                        from.updated(), from.produced(), canFollow ? ", --follow produces rows created since" : ""));
                summary = new Summary(0, Map.of(), 0, (System.nanoTime() - started) / 1e9, 0, 0, true, true);
            } else {
                if (from != null) {
                    listener.info(String.format("resuming from the checkpoint of %s: %,d records produced, event time %s reached",
                            from.updated(), from.produced(), from.watermark() == PlannedRecord.NO_TIME ? "-"
                                    : EventWindow.instant(from.watermark())));
                }
                summary = produceSnapshot(source, serdes, writer, checkpoints, key, progress, started);
            }
            snapshotDone = true;
            if (plan.follow()) {
                if (options.source().kind() != SourceSpec.Kind.BIGQUERY) {
                    throw new IllegalArgumentException("--follow needs a bigquery: source (files and the generator do not grow)");
                }
                Instant followFrom = progress.followFrom != null ? EventWindow.instant(progress.followFrom)
                        : ((BigQuerySource) source).snapshot();
                new FollowLoop(options, serdes, writer, listener, metrics, followFrom, this::stopRequested, (newFrom, records, perTable) ->
                        checkpoints.save(writer.producer(), key, progress.followed(newFrom, records, perTable))).run();
            }
            return summary;
        }
    }

    private Summary produceSnapshot(TableSource source, TopicSerdes serdes, TopicWriter writer, KafkaCheckpoints checkpoints,
                                    String key, Progress progress, long started) throws InterruptedException {
        Plan plan = options.plan();
        EventWindow window = progress.resumeFrom == null ? plan.window() : plan.window().startingAt(progress.resumeFrom.watermark());
        RowErrors.Listener toDlq = deadLetters(options, writer, metrics);
        try (ReplayPlan replay = ReplayPlan.fromSource(source, serdes, options.topics().prefix(),
                new ReplayPlan.Options(options.onError(), window, toDlq, null),
                (table, rows) -> listener.info("read " + rows + " rows of " + table.tableName()))) {
            listener.planned(replay);
            listener.info("producing " + plan.pace().describe() + (window.hasStart() || window.hasEnd() ? ", event times from "
                    + (window.hasStart() ? EventWindow.instant(window.from()) : "the start") + " until "
                    + (window.hasEnd() ? EventWindow.instant(window.until()) : "the end") : ""));
            listener.phase("Producing", replay.size());
            long produced = writer.write(metrics.counting(replay), options.topics().prefix(), sent -> {
                listener.progress(sent);
                if (metrics.eventTime() != PlannedRecord.NO_TIME) {
                    listener.status("event time " + EventWindow.instant(metrics.eventTime()).toString().substring(0, 19));
                }
            }, plan.pace(), (watermark, records, perTable) ->
                    checkpoints.save(writer.producer(), key, progress.acknowledged(watermark, records, perTable, false)),
                    plan.checkpointEvery());
            checkpoints.save(writer.producer(), key, progress.completed(produced));
            Map<String, Long> perTable = new LinkedHashMap<>();
            replay.recordsPerTable().forEach((t, n) -> perTable.put(t.tableName(), n));
            long scanned = source instanceof BigQuerySource bq ? bq.bytesScanned() : 0;
            return new Summary(produced, perTable, replay.skippedRows().count(), (System.nanoTime() - started) / 1e9,
                    source.bytesRead(), scanned, progress.resumeFrom != null, false);
        }
    }

    /** Rows left out go to the dead-letter topic as read (BigQuery rows as JSON), the reason in a header. */
    static RowErrors.Listener deadLetters(Options options, TopicWriter writer, BackfillMetrics metrics) {
        String dlq = options.topics().deadLetters();
        byte[] source = options.source().key().getBytes(StandardCharsets.UTF_8);
        return (message, row) -> {
            metrics.deadLetter();
            var record = new ProducerRecord<byte[], byte[]>(dlq, null, (row != null ? row : message).getBytes(StandardCharsets.UTF_8));
            record.headers().add(new RecordHeader("thelook.backfill.error", message.getBytes(StandardCharsets.UTF_8)));
            record.headers().add(new RecordHeader("thelook.backfill.source", source));
            writer.producer().send(record);
        };
    }

    private String checkpointKey() {
        Plan plan = options.plan();
        return options.source().key() + "|tables=" + (plan.tables().size() == TheLookTable.values().length ? "all"
                : String.join(",", plan.tables().stream().map(TheLookTable::tableName).toList()))
                + "|since=" + (plan.since() == null ? "" : plan.since()) + "|until=" + (plan.until() == null ? "" : plan.until());
    }

    /** The running totals a checkpoint holds (over every restart of this backfill, and every look of a follow). */
    private static final class Progress {
        final Checkpoint resumeFrom;
        final String fingerprint;
        final Long snapshotMicros;
        /** Totals of the writes done before the current one. */
        long producedBefore;
        Map<String, Long> perTableBefore;
        Long followFrom;
        long lastWatermark = PlannedRecord.NO_TIME;
        Map<TheLookTable, Long> lastPerTable = Map.of();

        Progress(Checkpoint from, TableSource source) {
            this.resumeFrom = from;
            this.fingerprint = source.fingerprint();
            this.snapshotMicros = source instanceof BigQuerySource bq ? EventWindow.micros(bq.snapshot()) : null;
            this.producedBefore = from == null ? 0 : from.produced();
            this.perTableBefore = from == null ? Map.of() : from.perTable();
            this.followFrom = from == null ? null : from.followFrom();
            if (from != null) {
                lastWatermark = from.watermark();
            }
        }

        /** Where the current write is: {@code records} and {@code perTable} of it acknowledged, up to {@code watermark}. */
        Checkpoint acknowledged(long watermark, long records, Map<TheLookTable, Long> perTable, boolean complete) {
            lastWatermark = watermark;
            lastPerTable = perTable;
            Map<String, Long> total = new LinkedHashMap<>(perTableBefore);
            perTable.forEach((t, n) -> total.merge(t.tableName(), n, Long::sum));
            return new Checkpoint(fingerprint, snapshotMicros, watermark, producedBefore + records, total, complete, followFrom,
                    Instant.now().toString());
        }

        /** The snapshot's write is done ({@code records} in all): complete, and its totals the base of what follows. */
        Checkpoint completed(long records) {
            return rebase(acknowledged(lastWatermark, records, lastPerTable, true));
        }

        /** A look of a follow is done. */
        Checkpoint followed(long newFollowFrom, long records, Map<TheLookTable, Long> perTable) {
            followFrom = newFollowFrom;
            return rebase(acknowledged(lastWatermark, records, perTable, true));
        }

        private Checkpoint rebase(Checkpoint done) {
            producedBefore = done.produced();
            perTableBefore = done.perTable();
            lastPerTable = Map.of();
            return done;
        }
    }
}
