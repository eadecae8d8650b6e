package thelook.streams.app;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import thelook.schemas.TopicSerdes;
import thelook.streams.names.TopicNames;
import thelook.streams.sink.MartSink;
import thelook.streams.sink.SinkLag;
import thelook.streams.sink.SinkTarget;

/** The sinks a command runs, one per warehouse, each in its own consumer group {@code <group prefix>-<target>}. */
public final class MartSinks implements AutoCloseable {
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** No sinks. */
    public static final MartSinks NONE = new MartSinks(List.of());

    private final List<MartSink> sinks;

    private MartSinks(List<MartSink> sinks) {
        this.sinks = sinks;
    }

    public static MartSinks start(SinkOptions options, KafkaClients clients, TopicNames topics, TopicSerdes serdes, String groupPrefix,
                                  MeterRegistry meters, JobListener listener) {
        List<MartSink> started = new ArrayList<>();
        try {
            for (SinkTarget target : options.targets()) {
                String group = groupPrefix + "-" + target.name();
                MartSink.Settings settings = new MartSink.Settings(clients.config(), group, topics, serdes, options.maxBatchRows(),
                        options.flushInterval());
                started.add(MartSink.start(settings, target, meters));
                listener.info("sink:            " + target.name() + " -> " + target.describe() + " (consumer group " + group + ")");
            }
        } catch (RuntimeException e) {
            started.forEach(MartSink::close);
            throw e;
        }
        return new MartSinks(started);
    }

    public List<MartSink> sinks() {
        return sinks;
    }

    public boolean isEmpty() {
        return sinks.isEmpty();
    }

    public void checkHealthy() {
        sinks.forEach(MartSink::checkHealthy);
    }

    /** For a progress line: {@code duckdb 1,234 records / 0.8 s behind}. */
    public String statusLine() {
        List<String> parts = new ArrayList<>();
        for (MartSink s : sinks) {
            SinkLag.Reading lag = s.lag();
            parts.add(lag.records() < 0 ? s.target().name() + " starting"
                    : String.format("%s %,d rec / %.1f s behind", s.target().name(), lag.records(), lag.seconds()));
        }
        return "sink: " + String.join(", ", parts);
    }

    /** Waits until every sink has written every mart record committed so far; fails if one stops or time runs out. */
    public void awaitCaughtUp(Admin admin, TopicNames topics, Duration timeout, JobListener listener)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, Long> ends = committedEnds(admin, topics);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            checkHealthy();
            long behind = 0;
            for (MartSink s : sinks) {
                Map<TopicPartition, Long> written = s.writtenOffsets();
                for (var e : ends.entrySet()) {
                    behind += Math.max(0, e.getValue() - written.getOrDefault(e.getKey(), 0L));
                }
            }
            listener.status(String.format("%,d mart records left to write", behind));
            if (behind == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sinks did not write the marts within " + timeout.toSeconds() + " s: "
                        + behind + " records left (" + statusLine() + ")");
            }
            Thread.sleep(100); // polling interval of the check, not a guess at completion
        }
    }

    /** The mart topics' last stable offsets: what a read_committed consumer can reach now. */
    public static Map<TopicPartition, Long> committedEnds(Admin admin, TopicNames topics) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        for (var d : admin.describeTopics(topics.marts()).allTopicNames().get().values()) {
            d.partitions().forEach(p -> specs.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** The sinks' states, for /api/instances. */
    public com.fasterxml.jackson.databind.node.ArrayNode statusJson() {
        var json = JSON.createArrayNode();
        for (MartSink s : sinks) {
            SinkLag.Reading lag = s.lag();
            var o = json.addObject().put("target", s.target().name()).put("where", s.target().describe())
                    .put("consumer_group", s.groupId()).put("running", s.isAlive());
            if (lag.records() < 0) {
                o.putNull("lag_records").putNull("lag_seconds");
            } else {
                o.put("lag_records", lag.records()).put("lag_seconds", lag.seconds());
            }
            o.put("rows_written", s.rowsWritten()).put("dead_letters", s.deadLettered());
        }
        return json;
    }

    /** One line per sink for a summary. */
    public List<String> report() {
        List<String> lines = new ArrayList<>();
        for (MartSink s : sinks) {
            lines.add(String.format("%s: %,d rows written (%,d upserts, %,d deletes) to %s; latency from the mart topic p50 %s, p99 %s%s",
                    s.target().name(), s.rowsWritten(), s.upserts(), s.deletes(), s.target().describe(), ms(s.latencyPercentileMs(50)),
                    ms(s.latencyPercentileMs(99)),
                    s.deadLettered() > 0 ? String.format("; %,d to the dead-letter topic", s.deadLettered()) : ""));
        }
        return lines;
    }

    private static String ms(long v) {
        return v < 0 ? "n/a" : v + " ms";
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (MartSink s : sinks) {
            try {
                s.close();
                s.checkHealthy();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            // a new exception: the stored failure may be the very one a try-with-resources body is throwing, and
            // Java refuses to add an exception to itself as suppressed (which hid the cause behind an
            // IllegalArgumentException)
            throw new IllegalStateException("a sink failed: " + first.getMessage(), first);
        }
    }
}
