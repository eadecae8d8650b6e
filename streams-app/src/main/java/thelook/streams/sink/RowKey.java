package thelook.streams.sink;

/** A row's primary key: one id, or two for the cross-sell table ({@code user_id, product_id}). */
public record RowKey(long first, long second, boolean pair) {
    public static RowKey of(long id) {
        return new RowKey(id, 0, false);
    }

    public static RowKey of(long first, long second) {
        return new RowKey(first, second, true);
    }

    // written out: a record's generated equals and hashCode go through method handles, which showed in the sink thread's
    // profile during a catch-up (every record read is hashed into its batch, every kept one again when decoded)
    @Override
    public boolean equals(Object o) {
        return o instanceof RowKey k && k.first == first && k.second == second && k.pair == pair;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(first * 0x9E3779B97F4A7C15L + second) ^ (pair ? 1 : 0); // a large odd factor: near pairs do not collide
    }

    @Override
    public String toString() {
        return pair ? "(" + first + ", " + second + ")" : Long.toString(first);
    }
}
