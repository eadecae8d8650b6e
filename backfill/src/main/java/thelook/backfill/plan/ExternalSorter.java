package thelook.backfill.plan;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import thelook.schemas.TheLookTable;

/**
 * Sorts planned records by (time, seq) with bounded memory: runs of {@code runSize} records are sorted
 * in memory and spilled to files, then merged. A hand-written merge because no library on Maven Central
 * we would otherwise need does this for our record type; the format is private and temporary.
 */
final class ExternalSorter implements AutoCloseable {
    private static final Comparator<PlannedRecord> ORDER = PlannedRecord::compareByTime;
    private static final TheLookTable[] TABLES = TheLookTable.values();

    private final Path dir;
    private final int runSize;
    private final List<Path> runs = new ArrayList<>();
    private List<PlannedRecord> buffer = new ArrayList<>();
    private final List<DataInputStream> open = new ArrayList<>();
    private long count;

    ExternalSorter(Path dir, int runSize) {
        this.dir = dir;
        this.runSize = runSize;
    }

    void add(PlannedRecord record) {
        buffer.add(record);
        count++;
        if (buffer.size() >= runSize) {
            spill();
        }
    }

    long count() {
        return count;
    }

    int spilledRuns() {
        return runs.size();
    }

    /**
     * Takes over the records of a sorter that another thread filled (its runs, and what it still held),
     * so that one merge yields the records of both in order.
     */
    void absorb(ExternalSorter other) {
        if (!other.buffer.isEmpty()) {
            other.spill();
        }
        runs.addAll(other.runs);
        other.runs.clear();
        count += other.count;
        other.count = 0;
    }

    private void spill() {
        buffer.sort(ORDER);
        try {
            Path run = Files.createTempFile(dir, "replay-run-", ".bin");
            try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
                for (PlannedRecord r : buffer) {
                    out.writeLong(r.time());
                    out.writeLong(r.seq());
                    out.writeByte(r.table().ordinal());
                    out.writeLong(r.key());
                    out.writeInt(r.value().length);
                    out.write(r.value());
                }
            }
            runs.add(run);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a sort run under " + dir + ": " + e.getMessage(), e);
        }
        buffer = new ArrayList<>();
    }

    /** All records in (time, seq) order. Call once, after the last add. */
    Iterator<PlannedRecord> sorted() {
        if (runs.isEmpty()) {
            buffer.sort(ORDER);
            return buffer.iterator();
        }
        if (!buffer.isEmpty()) {
            spill();
        }
        PriorityQueue<RunHead> heads = new PriorityQueue<>((a, b) -> ORDER.compare(a.head, b.head));
        for (Path run : runs) {
            try {
                var in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
                open.add(in);
                PlannedRecord first = read(in);
                if (first != null) {
                    heads.add(new RunHead(in, first));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return !heads.isEmpty();
            }

            @Override
            public PlannedRecord next() {
                RunHead h = heads.poll();
                if (h == null) {
                    throw new NoSuchElementException();
                }
                PlannedRecord result = h.head;
                PlannedRecord following = read(h.in);
                if (following != null) {
                    heads.add(new RunHead(h.in, following));
                }
                return result;
            }
        };
    }

    private static PlannedRecord read(DataInputStream in) {
        try {
            long time = in.readLong();
            long seq = in.readLong();
            TheLookTable table = TABLES[in.readByte()];
            long key = in.readLong();
            byte[] value = new byte[in.readInt()];
            in.readFully(value);
            return new PlannedRecord(time, seq, table, key, value);
        } catch (EOFException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record RunHead(DataInputStream in, PlannedRecord head) {}

    @Override
    public void close() {
        for (DataInputStream in : open) {
            try {
                in.close();
            } catch (IOException ignored) {
                // temp file about to be deleted
            }
        }
        for (Path run : runs) {
            try {
                Files.deleteIfExists(run);
            } catch (IOException ignored) {
                // the OS cleans the temp dir
            }
        }
    }
}
