package thelook.streams.app;

/**
 * Closes parts in the order given, every one even when an earlier one fails, and then throws the first
 * failure. Kafka's {@code Utils.closeAll} takes only {@code Closeable}s; these are {@code AutoCloseable}.
 */
final class CloseInOrder {
    private CloseInOrder() {}

    /** Null parts (never started) are skipped. */
    static void close(AutoCloseable... parts) {
        RuntimeException failure = null;
        for (AutoCloseable c : parts) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
