package thelook.streams.cli;

import java.util.Locale;
import thelook.backfill.source.OnError;

/** Option values more than one command parses. */
final class Cli {
    private Cli() {}

    static OnError onError(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "fail" -> OnError.FAIL;
            case "skip" -> OnError.SKIP;
            default -> throw new IllegalArgumentException("--on-error must be fail or skip, not " + value);
        };
    }
}
