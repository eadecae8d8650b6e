package thelook.streams.topology;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import thelook.avro.CrossSellKey;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.Event;
import thelook.avro.FctCrossSellCandidates;
import thelook.avro.Order;
import thelook.avro.OrderItem;
import thelook.avro.Product;
import thelook.avro.User;
import thelook.avro.internal.CrossSellViewState;
import thelook.avro.internal.EventDelta;
import thelook.avro.internal.ItemChange;
import thelook.avro.internal.OrderItemChange;
import thelook.avro.internal.ProductAggregates;
import thelook.avro.internal.StagedEvent;
import thelook.avro.internal.StagedItem;
import thelook.avro.internal.StagedOrder;
import thelook.avro.internal.UserAggregates;
import thelook.avro.internal.UserContribution;
import thelook.avro.internal.UserProductStats;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;
import thelook.streams.flow.Output;
import thelook.streams.index.MartIndex;
import thelook.streams.marts.MartIndexWriter;
import thelook.streams.marts.CustomerTierBuckets;
import thelook.streams.marts.CustomerTierThresholdsMart;
import thelook.avro.CustomerTierThresholds;
import thelook.streams.intermediate.OrderAttribution;
import thelook.streams.intermediate.ProductItemEnrichment;
import thelook.streams.marts.CrossSellCandidatesMart;
import thelook.streams.marts.CustomerMetricsMart;
import thelook.streams.marts.ProductPerformanceMart;
import thelook.streams.names.StoreNames;
import thelook.streams.names.TopicNames;
import thelook.streams.staging.EventStaging;
import thelook.streams.staging.EventTimeStamp;
import thelook.streams.staging.ItemStaging;
import thelook.streams.state.HashKeyValueStore;

/**
 * The whole topology, one chain per concern (docs/architecture.md draws it). Records move between four
 * partitionings: their own id (staging), product_id, order_id and user_id. Every input is read as a
 * changelog and every hop carries retractions, so the marts converge whatever the arrival order.
 */
public final class TheLookTopology {
    /** The input tables the marts read; distribution_centers and inventory_items are replayed but feed no mart. */
    public static final java.util.List<TheLookTable> INPUTS = java.util.List.of(
            TheLookTable.PRODUCTS, TheLookTable.USERS, TheLookTable.ORDERS, TheLookTable.ORDER_ITEMS, TheLookTable.EVENTS);

    private static final String[] PRODUCT_PARTITION = {StoreNames.PRODUCTS, StoreNames.PRODUCT_ITEMS,
        StoreNames.PRODUCT_SESSIONS, StoreNames.PRODUCT_AGGREGATES, StoreNames.PRODUCT_PERFORMANCE, StoreNames.CROSS_SELL_CANDIDATES};
    private static final String[] ORDER_PARTITION = {StoreNames.STAGED_ORDERS, StoreNames.ORDER_ITEMS};
    private static final String[] USER_PARTITION = {StoreNames.USERS, StoreNames.USER_AGGREGATES, StoreNames.USER_SESSIONS,
        StoreNames.USER_EVENT_TIMES, StoreNames.USER_ORDER_TIMES, StoreNames.USER_PRODUCTS, StoreNames.USER_VIEW_TIMES,
        StoreNames.CUSTOMER_METRICS};

    private final TopicNames topics;
    private final TopicSerdes serdes;
    private final TopicSerdes internal;
    private final int partitions;
    private final StoreKind stores;
    private final boolean indexes;
    private final boolean eventTimes;
    private final Serde<Long> key;
    private final StreamsBuilder builder = new StreamsBuilder();

    private TheLookTopology(TopicNames topics, TopicSerdes serdes, int partitions, StoreKind stores, boolean serving) {
        this.indexes = serving;
        this.eventTimes = serving;
        this.topics = topics;
        this.serdes = serdes;
        this.internal = serdes.internal();
        this.partitions = partitions;
        this.stores = stores;
        this.key = serdes.longKey();
    }

    /**
     * @param partitions the partition count of the input topics; every repartition topic gets the same
     * @param stores where state lives; the marts are the same either way
     */
    public static Topology build(TopicNames topics, TopicSerdes serdes, int partitions, StoreKind stores) {
        return build(topics, serdes, partitions, stores, false);
    }

    /**
     * @param serving whether to keep what the service's API reads besides the marts: the listings' ordered indexes
     *                and each mart partition's event time (a replay needs neither)
     */
    public static Topology build(TopicNames topics, TopicSerdes serdes, int partitions, StoreKind stores, boolean serving) {
        return new TheLookTopology(topics, serdes, partitions, stores, serving).build();
    }

    private Topology build() {
        addStores();
        List<Fed> feeds = new ArrayList<>();

        // staging: each input as a changelog, previous versions kept for retraction
        KStream<Long, EventDelta> events = input(TheLookTable.EVENTS, Event.class, EventTimeStamp::events)
                .process(EventStaging::new, Named.as("stg-events"), StoreNames.STAGED_EVENTS);
        KStream<Long, ItemChange> items = input(TheLookTable.ORDER_ITEMS, OrderItem.class, EventTimeStamp::orderItems)
                .process(ItemStaging::new, Named.as("stg-order-items"), StoreNames.STAGED_ITEMS);

        // product partition: catalog, items (+cost), views
        Fed products = feed(feeds, input(TheLookTable.PRODUCTS, Product.class), "products", ProductItemEnrichment::new,
                (side, product, emit) -> side.applyProduct(product.key(), product.value(), emit), PRODUCT_PARTITION,
                Output.PRODUCT_ROWS, Output.CROSS_SELL_ROWS, Output.ENRICHED_ITEMS);
        Fed productItems = feed(feeds, items.repartition(repartitioned("items-by-product", ItemChange.class)), "product-items",
                ProductItemEnrichment::new, (side, change, emit) -> side.applyItem(change.key(), change.value(), emit),
                PRODUCT_PARTITION, Output.PRODUCT_ROWS, Output.ENRICHED_ITEMS);
        Fed productViews = feed(feeds, events.filter((id, d) -> d.getEvent().getViewedProductId() != null, Named.as("product-views"))
                        .selectKey((id, d) -> d.getEvent().getViewedProductId(), Named.as("key-views-by-product"))
                        .repartition(repartitioned("views-by-product", EventDelta.class)), "product-view-counts",
                ProductPerformanceMart::new,
                (mart, view, emit) -> mart.applyView(view.key(), view.value().getEvent(), view.value().getSign(), emit),
                PRODUCT_PARTITION, Output.PRODUCT_ROWS);
        KStream<Long, DimProductPerformance> productRows =
                products.productRows().merge(productItems.productRows()).merge(productViews.productRows());
        productRows.to(topics.productPerformance(), Produced.with(key, serdes.value(DimProductPerformance.class))
                .withName("sink-product-performance"));
        index(productRows, MartIndex.PRODUCTS, MartIndex::keyOf);

        // order partition: items meet their order, and through it their user
        Fed orders = feed(feeds, input(TheLookTable.ORDERS, Order.class, EventTimeStamp::orders), "orders", OrderAttribution::new,
                (side, order, emit) -> side.applyOrder(order.key(), order.value(), emit), ORDER_PARTITION, Output.CONTRIBUTIONS);
        Fed orderItems = feed(feeds, products.enrichedItems().merge(productItems.enrichedItems())
                        .repartition(repartitioned("items-by-order", OrderItemChange.class)), "order-items", OrderAttribution::new,
                (side, item, emit) -> side.applyItem(item.key(), item.value(), emit), ORDER_PARTITION, Output.CONTRIBUTIONS);

        // user partition: users, their events, their orders and items
        Fed users = feed(feeds, input(TheLookTable.USERS, User.class, EventTimeStamp::users), "users", CustomerMetricsMart::new,
                (mart, user, emit) -> mart.applyUser(user.key(), user.value() != null, emit), USER_PARTITION,
                Output.CUSTOMER_ROWS, Output.CROSS_SELL_STATES);
        Fed userEvents = feed(feeds, events.filter((id, d) -> d.getEvent().getUserId() != null, Named.as("user-events"))
                        .selectKey((id, d) -> d.getEvent().getUserId(), Named.as("key-events-by-user"))
                        .repartition(repartitioned("events-by-user", EventDelta.class)), "user-event-aggregates",
                CustomerMetricsMart::new,
                (mart, event, emit) -> mart.applyEvent(event.key(), event.value().getEvent(), event.value().getSign(), emit),
                USER_PARTITION, Output.CUSTOMER_ROWS, Output.CROSS_SELL_STATES);
        Fed userOrders = feed(feeds, orders.contributions().merge(orderItems.contributions())
                        .repartition(repartitioned("contributions-by-user", UserContribution.class)), "user-order-aggregates",
                CustomerMetricsMart::new, (mart, contribution, emit) -> mart.applyContribution(contribution.key(), contribution.value(), emit),
                USER_PARTITION, Output.CUSTOMER_ROWS, Output.CROSS_SELL_STATES);
        KStream<Long, DimCustomerMetrics> customerRows =
                users.customerRows().merge(userEvents.customerRows()).merge(userOrders.customerRows());
        customerRows.to(topics.customerMetrics(), Produced.with(key, serdes.value(DimCustomerMetrics.class))
                .withName("sink-customer-metrics"));
        index(customerRows, MartIndex.CUSTOMERS, MartIndex::keyOf);
        tierThresholds(customerRows);

        // cross-sell: the user side's candidate states meet the product's columns
        Fed crossSell = feed(feeds, users.crossSellStates().merge(userEvents.crossSellStates()).merge(userOrders.crossSellStates())
                        .repartition(repartitioned("cross-sell-by-product", CrossSellViewState.class)), "cross-sell-assembly",
                CrossSellCandidatesMart::new, (mart, state, emit) -> mart.apply(state.value(), emit), PRODUCT_PARTITION,
                Output.CROSS_SELL_ROWS);
        KStream<CrossSellKey, FctCrossSellCandidates> crossSellRows = products.crossSellRows().merge(crossSell.crossSellRows());
        crossSellRows.to(topics.crossSellCandidates(), Produced.with(serdes.recordKey(CrossSellKey.class),
                serdes.value(FctCrossSellCandidates.class)).withName("sink-cross-sell"));
        index(crossSellRows, MartIndex.CROSS_SELL, MartIndex::keyOf);

        feeds.forEach(Fed::requireAllTaken);
        return builder.build();
    }

    /**
     * The ordered index next to a mart, for the service's listings; a replay builds none. It hangs off the
     * mart's rows in the mart's own sub-topology, so it is written in the same task and transaction.
     */
    private <K, R> void index(KStream<K, R> rows, MartIndex<R> index, Function<K, byte[]> keyBytes) {
        if (!indexes) {
            return;
        }
        add(index.indexStore(), Serdes.Bytes(), Serdes.ByteArray(), Access.ORDERED_CACHED);
        add(index.indexedStore(), Serdes.Bytes(), Serdes.ByteArray(), Access.BY_KEY_CACHED);
        rows.process(() -> new MartIndexWriter<>(index, keyBytes), Named.as("index-" + index.indexStore()),
                index.indexStore(), index.indexedStore());
    }

    /**
     * The customer tiers' RFM thresholds, for the service only: each customer's bucket changes, through one partition
     * into the bucket counts, the thresholds from them at most once a second into their topic, and that topic as a
     * global store on every instance (the API scores customers against it).
     */
    private void tierThresholds(KStream<Long, DimCustomerMetrics> customerRows) {
        if (!indexes) {
            return;
        }
        add(StoreNames.CUSTOMER_TIER_BUCKETS, key, Serdes.ByteArray(), Access.BY_KEY_CACHED);
        add(StoreNames.CUSTOMER_TIER_COUNTS, key, Serdes.Long(), Access.ORDERED_CACHED);
        Serde<CustomerTierThresholds> thresholds = serdes.value(CustomerTierThresholds.class);
        customerRows.process(() -> new CustomerTierBuckets(StoreNames.CUSTOMER_TIER_BUCKETS), Named.as("tier-buckets"),
                        StoreNames.CUSTOMER_TIER_BUCKETS)
                .repartition(Repartitioned.<Long, Long>as("tier-bucket-changes").withKeySerde(key).withValueSerde(Serdes.Long())
                        .withNumberOfPartitions(1))
                .process(() -> new CustomerTierThresholdsMart(StoreNames.CUSTOMER_TIER_COUNTS), Named.as("tier-thresholds"),
                        StoreNames.CUSTOMER_TIER_COUNTS)
                .to(topics.customerTierThresholds(), Produced.with(key, thresholds).withName("sink-customer-tier-thresholds"));
        builder.globalTable(topics.customerTierThresholds(), Consumed.with(key, thresholds).withName("customer-tier-thresholds-source"),
                Materialized.<Long, CustomerTierThresholds, org.apache.kafka.streams.state.KeyValueStore<Bytes, byte[]>>as(
                        StoreNames.CUSTOMER_TIER_THRESHOLDS).withKeySerde(key).withValueSerde(thresholds));
    }

    /** One source into the helper that owns its partition's stores; {@code outputs}: the kinds it may emit. */
    private <V, H> Fed feed(List<Fed> feeds, KStream<Long, V> source, String name,
                                   Function<ProcessorContext<?, ?>, H> helperOf,
                                   Feed.Step<V, H> step, String[] stores, Output... outputs) {
        Set<Output> declared = EnumSet.noneOf(Output.class);
        declared.addAll(List.of(outputs));
        String eventTimeStore = !eventTimes ? null : stores == USER_PARTITION ? StoreNames.USER_PARTITION_EVENT_TIME
                : stores == PRODUCT_PARTITION ? StoreNames.PRODUCT_PARTITION_EVENT_TIME : null;
        String[] connected = stores;
        if (eventTimeStore != null) {
            connected = java.util.Arrays.copyOf(stores, stores.length + 1);
            connected[stores.length] = eventTimeStore;
        }
        Fed fed = new Fed(name, source.process(Feed.of(name, helperOf, step, declared, eventTimeStore), Named.as(name), connected),
                declared);
        feeds.add(fed);
        return fed;
    }

    private <V extends SpecificRecord> KStream<Long, V> input(TheLookTable table, Class<V> type) {
        return builder.stream(table.topic(topics.prefix()),
                Consumed.with(key, serdes.value(type)).withName("source-" + table.tableName()));
    }

    /** An input whose rows are stamped with their event time when the service tracks freshness. */
    private <V extends SpecificRecord> KStream<Long, V> input(TheLookTable table, Class<V> type,
                                                             org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier<Long, V, V> stamp) {
        KStream<Long, V> in = input(table, type);
        return eventTimes ? in.processValues(stamp, Named.as("event-time-" + table.tableName())) : in;
    }

    private <V extends SpecificRecord> Repartitioned<Long, V> repartitioned(String name, Class<V> type) {
        return Repartitioned.<Long, V>as(name).withKeySerde(key).withValueSerde(internal.value(type))
                .withNumberOfPartitions(partitions);
    }

    /**
     * On RocksDB, stores whose keys are written about once (a staged event, a (user, session) count) are not
     * cached: a cache cannot coalesce their writes and only costs a sorted map operation per access. The hot,
     * rewritten ones (aggregates, mart rows, products, users) are. In memory nothing is cached: a cache
     * saved fewer changelog writes than its own sorted map cost (docs/benchmarks.md).
     * Ordered stores are the ones some step scans by key range (pairs of a product, view times of a user).
     */
    private void addStores() {
        Serde<Bytes> bytes = Serdes.Bytes();
        Serde<Long> count = Serdes.Long();
        add(StoreNames.STAGED_EVENTS, key, internal.value(StagedEvent.class), Access.BY_KEY);
        add(StoreNames.STAGED_ITEMS, key, internal.value(StagedItem.class), Access.BY_KEY);
        add(StoreNames.STAGED_ORDERS, key, internal.value(StagedOrder.class), Access.BY_KEY);
        add(StoreNames.PRODUCTS, key, internal.value(Product.class), Access.BY_KEY_CACHED);
        add(StoreNames.PRODUCT_ITEMS, bytes, internal.value(StagedItem.class), Access.ORDERED);
        add(StoreNames.PRODUCT_SESSIONS, bytes, count, Access.BY_KEY);
        add(StoreNames.PRODUCT_AGGREGATES, key, internal.value(ProductAggregates.class), Access.BY_KEY_CACHED);
        add(StoreNames.PRODUCT_PERFORMANCE, key, internal.value(DimProductPerformance.class), Access.BY_KEY_CACHED);
        add(StoreNames.CROSS_SELL_CANDIDATES, bytes, internal.value(FctCrossSellCandidates.class), Access.ORDERED_CACHED);
        add(StoreNames.ORDER_ITEMS, bytes, internal.value(OrderItemChange.class), Access.ORDERED);
        add(StoreNames.USERS, key, count, Access.BY_KEY_CACHED);
        add(StoreNames.USER_AGGREGATES, key, internal.value(UserAggregates.class), Access.BY_KEY_CACHED);
        add(StoreNames.USER_SESSIONS, bytes, count, Access.BY_KEY_CACHED); // a session's events arrive close together: coalesced
        add(StoreNames.USER_EVENT_TIMES, bytes, count, Access.ORDERED);
        add(StoreNames.USER_ORDER_TIMES, bytes, count, Access.ORDERED);
        add(StoreNames.USER_PRODUCTS, bytes, internal.value(UserProductStats.class), Access.ORDERED_CACHED);
        add(StoreNames.USER_VIEW_TIMES, bytes, count, Access.ORDERED);
        add(StoreNames.CUSTOMER_METRICS, key, internal.value(DimCustomerMetrics.class), Access.BY_KEY_CACHED);
        if (eventTimes) { // one key each, rewritten by every newer record: always cached, so one changelog record per commit
            builder.addStateStore(Stores.keyValueStoreBuilder(supplier(StoreNames.USER_PARTITION_EVENT_TIME, Access.BY_KEY), key,
                    count).withCachingEnabled());
            builder.addStateStore(Stores.keyValueStoreBuilder(supplier(StoreNames.PRODUCT_PARTITION_EVENT_TIME, Access.BY_KEY), key,
                    count).withCachingEnabled());
        }
    }

    private enum Access {
        BY_KEY(false, false), BY_KEY_CACHED(false, true), ORDERED(true, false), ORDERED_CACHED(true, true);

        final boolean ordered;
        final boolean cachedOnRocksDb;

        Access(boolean ordered, boolean cachedOnRocksDb) {
            this.ordered = ordered;
            this.cachedOnRocksDb = cachedOnRocksDb;
        }
    }

    private KeyValueBytesStoreSupplier supplier(String name, Access access) {
        return switch (stores) {
            case ROCKSDB -> Stores.persistentKeyValueStore(name);
            case MEMORY -> access.ordered ? Stores.inMemoryKeyValueStore(name) : HashKeyValueStore.supplier(name);
        };
    }

    private <K, V> void add(String name, Serde<K> keySerde, Serde<V> valueSerde, Access access) {
        KeyValueBytesStoreSupplier supplier = supplier(name, access);
        StoreBuilder<?> store = Stores.keyValueStoreBuilder(supplier, keySerde, valueSerde);
        boolean cached = stores == StoreKind.ROCKSDB && access.cachedOnRocksDb;
        builder.addStateStore(cached ? store.withCachingEnabled() : store.withCachingDisabled());
    }
}
