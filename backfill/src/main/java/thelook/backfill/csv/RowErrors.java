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

    public synchronized long count() {
        return count;
    }

    public synchronized List<String> firstMessages() {
        return List.copyOf(messages);
    }
}
