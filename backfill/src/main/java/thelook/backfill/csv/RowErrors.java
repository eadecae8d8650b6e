package thelook.backfill.csv;

import java.util.ArrayList;
import java.util.List;

/** Malformed rows that were skipped (with --on-error skip): a count and the first messages. */
public final class RowErrors {
    private static final int KEPT = 20;
    private final List<String> messages = new ArrayList<>();
    private long count;

    public synchronized void add(String message) {
        count++;
        if (messages.size() < KEPT) {
            messages.add(message);
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
