package thelook.streams.marts;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import thelook.streams.index.MartIndex;

/**
 * Keeps a mart's ordered index ({@link MartIndex}) equal to its rows: for each changed row (or
 * tombstone), the entries whose sort value changed are deleted and written anew, in the same task and
 * transaction as the row, so the index never disagrees with the rows after a commit. Each row's current
 * entries are kept by row key (the "indexed" store) to find the old ones. The topology's end: it
 * forwards nothing.
 *
 * @param <K> the mart's key
 * @param <R> the mart's row
 */
public final class MartIndexWriter<K, R> implements Processor<K, R, Void, Void> {
    private static final byte[] PRESENT = new byte[0];

    private final MartIndex<R> index;
    private final Function<K, byte[]> keyBytes;
    private KeyValueStore<Bytes, byte[]> entries;
    private KeyValueStore<Bytes, byte[]> indexed;

    public MartIndexWriter(MartIndex<R> index, Function<K, byte[]> keyBytes) {
        this.index = index;
        this.keyBytes = keyBytes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        entries = context.getStateStore(index.indexStore());
        indexed = context.getStateStore(index.indexedStore());
    }

    @Override
    public void process(Record<K, R> record) {
        byte[] rowKey = keyBytes.apply(record.key());
        Bytes key = Bytes.wrap(rowKey);
        List<byte[]> before = split(indexed.get(key));
        List<byte[]> after = index.entriesOf(rowKey, record.value());
        for (byte[] old : before) {
            if (after.stream().noneMatch(e -> Arrays.equals(e, old))) {
                entries.delete(Bytes.wrap(old));
            }
        }
        for (byte[] now : after) {
            if (before.stream().noneMatch(e -> Arrays.equals(e, now))) {
                entries.put(Bytes.wrap(now), PRESENT);
            }
        }
        if (after.isEmpty()) {
            indexed.delete(key);
        } else {
            indexed.put(key, join(after));
        }
    }

    /** Entries as [length][bytes]...: their lengths differ between sorts. */
    private static byte[] join(List<byte[]> list) {
        int size = 0;
        for (byte[] e : list) {
            size += 1 + e.length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        for (byte[] e : list) {
            b.put((byte) e.length).put(e);
        }
        return b.array();
    }

    private static List<byte[]> split(byte[] joined) {
        List<byte[]> out = new ArrayList<>();
        if (joined == null) {
            return out;
        }
        ByteBuffer b = ByteBuffer.wrap(joined);
        while (b.hasRemaining()) {
            byte[] e = new byte[b.get() & 0xFF];
            b.get(e);
            out.add(e);
        }
        return out;
    }
}
