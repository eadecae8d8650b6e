package thelook.streams.names;

/** Names of the topology's state stores (every layer and the serving side may read this package; it reads none of them). The three mart stores are the ones served to queries. */
public final class StoreNames {
    // marts (interactive queries read these)
    public static final String CUSTOMER_METRICS = "customer-metrics";
    public static final String PRODUCT_PERFORMANCE = "product-performance";
    public static final String CROSS_SELL_CANDIDATES = "cross-sell-candidates";

    // listings (the service only): an ordered index next to each mart, and each row's entries in it
    public static final String CUSTOMER_METRICS_INDEX = "customer-metrics-index";
    public static final String CUSTOMER_METRICS_INDEXED = "customer-metrics-indexed";
    public static final String PRODUCT_PERFORMANCE_INDEX = "product-performance-index";
    public static final String PRODUCT_PERFORMANCE_INDEXED = "product-performance-indexed";
    public static final String CROSS_SELL_CANDIDATES_INDEX = "cross-sell-candidates-index";
    public static final String CROSS_SELL_CANDIDATES_INDEXED = "cross-sell-candidates-indexed";

    // freshness (the service only): the largest event time each partition of the user and product sides has processed
    public static final String USER_PARTITION_EVENT_TIME = "user-partition-event-time";
    public static final String PRODUCT_PARTITION_EVENT_TIME = "product-partition-event-time";

    // customer tiers (the service only): each customer's RFM buckets, the customers per bucket (one partition), and
    // the thresholds computed from them (a global store, on every instance)
    public static final String CUSTOMER_TIER_BUCKETS = "customer-tier-buckets";
    public static final String CUSTOMER_TIER_COUNTS = "customer-tier-counts";
    public static final String CUSTOMER_TIER_THRESHOLDS = "customer-tier-thresholds";

    // staging: previous version of each input row, for retraction
    public static final String STAGED_EVENTS = "staged-events";
    public static final String STAGED_ITEMS = "staged-items";
    public static final String STAGED_ORDERS = "staged-orders";

    // product partition
    public static final String PRODUCTS = "products";
    public static final String PRODUCT_ITEMS = "product-items";
    public static final String PRODUCT_SESSIONS = "product-sessions";
    public static final String PRODUCT_AGGREGATES = "product-aggregates";

    // order partition
    public static final String ORDER_ITEMS = "order-items";

    // user partition
    public static final String USERS = "users";
    public static final String USER_AGGREGATES = "user-aggregates";
    public static final String USER_SESSIONS = "user-sessions";
    public static final String USER_EVENT_TIMES = "user-event-times";
    public static final String USER_ORDER_TIMES = "user-order-times";
    public static final String USER_PRODUCTS = "user-products";
    public static final String USER_VIEW_TIMES = "user-view-times";

    private StoreNames() {}
}
