package thelook.streams.flow;

/** The kinds of record a helper emits ({@link Emit}'s methods); each goes to its own child node of a feed. */
public enum Output {
    CUSTOMER_ROWS("customer-rows"),
    PRODUCT_ROWS("product-rows"),
    CROSS_SELL_ROWS("cross-sell-rows"),
    CROSS_SELL_STATES("cross-sell-states"),
    ENRICHED_ITEMS("enriched-items"),
    CONTRIBUTIONS("contributions");

    private final String suffix;

    Output(String suffix) {
        this.suffix = suffix;
    }

    /** The name of the node that takes this kind from the feed named {@code feed}. */
    public String nodeOf(String feed) {
        return feed + "-" + suffix;
    }
}
