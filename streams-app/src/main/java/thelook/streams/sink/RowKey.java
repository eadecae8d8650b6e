package thelook.streams.sink;

/** A row's primary key: one id, or two for the cross-sell table ({@code user_id, product_id}). */
public record RowKey(long first, long second, boolean pair) {
    public static RowKey of(long id) {
        return new RowKey(id, 0, false);
    }

    public static RowKey of(long first, long second) {
        return new RowKey(first, second, true);
    }

    @Override
    public String toString() {
        return pair ? "(" + first + ", " + second + ")" : Long.toString(first);
    }
}
