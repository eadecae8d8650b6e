package thelook.backfill.source;

import java.util.ArrayList;
import java.util.List;

/** Malformed rows that were skipped (with --on-error skip): a count and the first messages. */
public final class RowErrors {
    private static final int KEPT = 20;

    /** Told of every skipped row as it is skipped, for instance to write it to a dead-letter topic. */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param message where the row is and what is wrong with it
         * @param row     the row as read (JSON for BigQuery rows), or null when only its place is known (a CSV line)
         */
        void rejected(String message, String row);
    }

    private final List<String> messages = new ArrayList<>();
    private final Listener listener;
    private long count;

    public RowErrors() {
        this(null);
    }

    public RowErrors(Listener listener) {
        this.listener = listener;
    }

    public void add(String message) {
        add(message, null);
    }

    public void add(String message, String row) {
        synchronized (this) {
            count++;
            if (messages.size() < KEPT) {
                messages.add(message);
            }
        }
        if (listener != null) {
            listener.rejected(message, row);
        }
    }

    /** Takes over another table's errors after this one's, so messages keep the order of the tables. */
    public synchronized void addAll(RowErrors other) {
        List<String> theirs = other.firstMessages();
        long theirCount = other.count();
        for (String m : theirs) {
            if (messages.size() < KEPT) {
                messages.add(m);
            }
        }
        count += theirCount;
    }

    public synchronized long count() {
        return count;
    }

    public synchronized List<String> firstMessages() {
        return List.copyOf(messages);
    }
}
