package thelook.streams.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.StreamsMetadata;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.streams.names.StoreNames;

/**
 * {@code GET /api/summary}: totals over the three marts (the dashboard's KPIs). Each instance sums the rows of
 * its active partitions, at most once a second (a cached answer otherwise), so a call costs a scan of
 * n / instances rows per second at most, however often it is asked; the answering instance adds the
 * instances' sums and says whether every partition was counted ({@code complete}).
 */
final class Summary {
    private static final long REFRESH_NANOS = 1_000_000_000L;
    private static final List<String> STORES = List.of(StoreNames.CUSTOMER_METRICS, StoreNames.PRODUCT_PERFORMANCE,
            StoreNames.CROSS_SELL_CANDIDATES);
    /** The summed fields, in the order they are listed. */
    static final List<String> FIELDS = List.of("customers", "customers_with_orders", "total_orders", "total_order_revenue",
            "total_events", "total_sessions", "products", "total_product_views", "total_product_purchases", "total_product_revenue",
            "cross_sell_candidates", "estimated_lost_revenue", "engagement_high", "engagement_medium", "engagement_low");

    private final MartQueries queries;
    private final Forwarder forwarder;
    private volatile ObjectNode cached;
    private volatile long cachedAt;

    Summary(MartQueries queries, Forwarder forwarder) {
        this.queries = queries;
        this.forwarder = forwarder;
    }

    /** The totals over every instance's share; an instance that does not answer leaves {@code complete} false. */
    ObjectNode all(Context ctx) {
        ObjectNode total = RowJson.JSON.createObjectNode();
        for (String f : FIELDS) {
            total.put(f, f.endsWith("revenue") ? 0.0 : 0L);
        }
        java.util.Map<String, Set<Integer>> counted = new java.util.HashMap<>();
        Long eventTime = null;
        for (StreamsMetadata m : queries.streams().metadataForAllStreamsClients()) {
            JsonNode share = m.hostInfo().equals(queries.self()) ? local() : remote(m, ctx);
            if (share == null) {
                continue;
            }
            for (String f : FIELDS) {
                if (f.endsWith("revenue")) {
                    total.put(f, total.get(f).asDouble() + share.path(f).asDouble());
                } else {
                    total.put(f, total.get(f).asLong() + share.path(f).asLong());
                }
            }
            for (String store : STORES) {
                share.path("partitions").path(store).forEach(p -> counted.computeIfAbsent(store, s -> new TreeSet<>()).add(p.asInt()));
            }
            JsonNode t = share.get("event_time_micros");
            if (t != null && !t.isNull()) {
                eventTime = eventTime == null ? t.asLong() : Math.max(eventTime, t.asLong());
            }
        }
        boolean complete = true;
        for (String store : STORES) {
            complete &= counted.getOrDefault(store, Set.of()).size() == queries.partitionCount(store) && queries.partitionCount(store) > 0;
        }
        total.put("complete", complete);
        total.put("event_time", eventTime == null ? null : ApiServer.eventTime(eventTime));
        total.put("seconds_behind", eventTime == null ? null
                : Math.max(0, (System.currentTimeMillis() * 1000 - eventTime) / 1e6));
        return total;
    }

    private JsonNode remote(StreamsMetadata m, Context ctx) {
        Forwarder.Answer a = forwarder.getPath(MartQueries.url(m.hostInfo()), "/internal/v1/summary", ctx);
        if (a == null || a.status() != 200) {
            return null;
        }
        try {
            return RowJson.JSON.readTree(a.body());
        } catch (IOException unreadable) {
            return null;
        }
    }

    /** This instance's share: sums over its active partitions, the partitions summed, the largest event time reached. */
    ObjectNode local() {
        ObjectNode last = cached;
        if (last != null && System.nanoTime() - cachedAt < REFRESH_NANOS) {
            return last;
        }
        ObjectNode share = RowJson.JSON.createObjectNode();
        ObjectNode partitions = share.putObject("partitions");
        long high = 0, medium = 0, low = 0;
        long customers = 0, withOrders = 0, orders = 0, events = 0, sessions = 0, products = 0, views = 0, purchases = 0, candidates = 0;
        double revenue = 0, productRevenue = 0, lostRevenue = 0;
        Long eventTime = null;
        for (String store : STORES) {
            var list = partitions.putArray(store);
            for (MartQueries.Placement p : queries.placements(store)) {
                if (!p.host().equals(queries.self())) {
                    continue;
                }
                for (int partition : p.active()) {
                    try (KeyValueIterator<Object, Object> it = queries.activeStore(store, partition).all()) {
                        while (it.hasNext()) {
                            Object row = it.next().value;
                            if (row instanceof DimCustomerMetrics c) {
                                customers++;
                                withOrders += c.getTotalOrders() > 0 ? 1 : 0;
                                orders += c.getTotalOrders();
                                revenue += c.getTotalOrderRevenue();
                                events += c.getTotalEvents();
                                sessions += c.getTotalSessions();
                                switch (thelook.streams.tiers.CustomerTiers.engagementTier(c)) {
                                    case "high" -> high++;
                                    case "medium" -> medium++;
                                    default -> low++;
                                }
                            } else if (row instanceof DimProductPerformance pp) {
                                products++;
                                views += pp.getTotalProductViews();
                                purchases += pp.getTotalProductPurchases();
                                productRevenue += pp.getTotalProductRevenue();
                            } else if (row instanceof FctCrossSellCandidates x) {
                                candidates++;
                                lostRevenue += x.getEstimatedLostRevenue() == null ? 0 : x.getEstimatedLostRevenue();
                            }
                        }
                    } catch (InvalidStateStoreException moving) {
                        continue; // not counted: the answer says it is incomplete
                    }
                    list.add(partition);
                    Long reached = queries.eventTime(store, partition);
                    if (reached != null) {
                        eventTime = eventTime == null ? reached : Math.max(eventTime, reached);
                    }
                }
            }
        }
        share.put("customers", customers).put("customers_with_orders", withOrders).put("total_orders", orders)
                .put("total_order_revenue", revenue).put("total_events", events).put("total_sessions", sessions)
                .put("products", products).put("total_product_views", views).put("total_product_purchases", purchases)
                .put("total_product_revenue", productRevenue).put("cross_sell_candidates", candidates)
                .put("estimated_lost_revenue", lostRevenue).put("engagement_high", high).put("engagement_medium", medium)
                .put("engagement_low", low);
        if (eventTime != null) {
            share.put("event_time_micros", eventTime);
        }
        cached = share;
        cachedAt = System.nanoTime();
        return share;
    }
}
