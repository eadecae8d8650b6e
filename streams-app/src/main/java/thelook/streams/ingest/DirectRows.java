package thelook.streams.ingest;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thelook.backfill.generate.LiveActivity;
import thelook.schemas.TopicSerdes;
import thelook.streams.names.TopicNames;

/**
 * Live rows straight into the input topics, for the demo where the Pub/Sub emulator is not installed: each row
 * goes through the checks a Pub/Sub message goes through ({@link RowMessages}), then to Kafka keyed by its
 * primary key ({@link RowProducer}).
 */
public final class DirectRows implements LiveLoad.Rows, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectRows.class);

    private final RowMessages messages = new RowMessages();
    private final RowProducer producer;
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public DirectRows(Map<String, Object> kafkaConfig, TopicSerdes serdes, TopicNames topics) {
        this.producer = new RowProducer(kafkaConfig, serdes, topics, "thelook-live");
    }

    @Override
    public void accept(LiveActivity.LiveRow row) throws RowMessages.BadMessageException {
        RowMessages.Row checked = messages.of(row.table(), row.columns());
        producer.send(producer.record(checked), (metadata, e) -> {
            if (e == null) {
                produced.incrementAndGet();
            } else if (failed.incrementAndGet() == 1 || failed.get() % 1000 == 0) {
                LOG.warn("{} live rows could not be produced; the last: {}", failed.get(), e.getMessage());
            }
        });
    }

    public long produced() {
        return produced.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
