package thelook.streams.index;

import java.nio.ByteBuffer;
import java.time.Instant;
import thelook.schemas.Micros;

/**
 * Order-preserving bytes, compared unsigned and lexicographically: a long big-endian with its sign bit
 * flipped; a double by its IEEE bits, all flipped when negative and only the sign bit otherwise (so
 * -1.5 < -0.0 = 0.0 < 1e-300 < 2); a sort value as a NULL flag (0 = NULL, first in ascending order) and
 * eight bytes. Written by hand: no library offers these encodings for Kafka Streams stores.
 */
public final class SortKey {
    /** A sort value: the NULL flag and eight bytes. */
    public static final int VALUE_BYTES = 9;

    private SortKey() {}

    public static long flip(long v) {
        return v ^ Long.MIN_VALUE;
    }

    public static void putLong(ByteBuffer out, long v) {
        out.putLong(flip(v));
    }

    public static long getLong(ByteBuffer in, int at) {
        return flip(in.getLong(at));
    }

    static void putValue(ByteBuffer out, Long v) {
        if (v == null) {
            out.put((byte) 0).putLong(0);
        } else {
            out.put((byte) 1).putLong(flip(v));
        }
    }

    static void putValue(ByteBuffer out, Double v) {
        if (v == null) {
            out.put((byte) 0).putLong(0);
            return;
        }
        long bits = Double.doubleToLongBits(v == 0.0 ? 0.0 : v); // -0.0 sorts as 0.0
        out.put((byte) 1).putLong(bits < 0 ? ~bits : bits ^ Long.MIN_VALUE);
    }

    static void putValue(ByteBuffer out, Instant t) {
        putValue(out, Micros.of(t));
    }
}
