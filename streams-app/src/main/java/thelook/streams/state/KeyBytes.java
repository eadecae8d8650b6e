package thelook.streams.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Composite store keys whose byte order is the numeric order of their parts: each long is written big
 * endian with its sign bit flipped, so a range over (g, MIN)..(g, MAX) is exactly group g, ascending.
 * Strings may only come last (they are not length-prefixed).
 */
public final class KeyBytes {
    private KeyBytes() {}

    public static Bytes of(long a, long b) {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(flip(a)).putLong(flip(b)).array());
    }

    public static Bytes of(long a, long b, long c) {
        return Bytes.wrap(ByteBuffer.allocate(24).putLong(flip(a)).putLong(flip(b)).putLong(flip(c)).array());
    }

    public static Bytes of(long a, String s) {
        byte[] text = s.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + text.length).putLong(flip(a)).put(text).array());
    }

    /** The {@code index}-th long of a key made by one of the {@code of} methods. */
    public static long longAt(Bytes key, int index) {
        return flip(ByteBuffer.wrap(key.get()).getLong(index * 8));
    }

    private static long flip(long v) {
        return v ^ Long.MIN_VALUE;
    }
}
