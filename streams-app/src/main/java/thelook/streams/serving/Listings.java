package thelook.streams.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import thelook.streams.index.MartIndex;
import thelook.streams.state.KeyBytes;

/**
 * Paged listings: the instance asked fans the page out to the active owner of every partition (itself
 * included), each reads at most {@code limit + 1} entries per partition from the mart's ordered index
 * after the cursor's position, and the instance asked merges them and keeps {@code limit}. A page costs
 * O(partitions x (log n + limit)) store reads, whatever the sort. Ties in the sort value are broken by
 * the row key, in the direction of the sort. The customer listing's {@code tier} filter skips rows of other
 * engagement tiers while scanning, so such a page reads about (limit + 1) / share-of-the-tier entries per
 * partition.
 */
final class Listings {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** A listing: its route's name, its mart store and index, and its default sort. */
    record Listing(String name, String store, MartIndex<?> index, String defaultSort) {}

    static final Listing CUSTOMERS = new Listing("customers", thelook.streams.names.StoreNames.CUSTOMER_METRICS,
            MartIndex.CUSTOMERS, "user_id");
    static final Listing PRODUCTS = new Listing("products", thelook.streams.names.StoreNames.PRODUCT_PERFORMANCE,
            MartIndex.PRODUCTS, "product_id");
    static final Listing CROSS_SELL = new Listing("cross-sell", thelook.streams.names.StoreNames.CROSS_SELL_CANDIDATES,
            MartIndex.CROSS_SELL, "user_id,product_id");
    static final Listing USER_CROSS_SELL = new Listing("user-cross-sell", thelook.streams.names.StoreNames.CROSS_SELL_CANDIDATES,
            MartIndex.CROSS_SELL, "user_estimated_lost_revenue");
    private static final Map<String, Listing> BY_NAME = Map.of(CUSTOMERS.name(), CUSTOMERS, PRODUCTS.name(), PRODUCTS,
            CROSS_SELL.name(), CROSS_SELL, USER_CROSS_SELL.name(), USER_CROSS_SELL);

    /** One page's question, as parsed from the caller's parameters. */
    record Request(Listing listing, MartIndex.Sort sort, boolean descending, int limit, byte[] after, Long user, String tier) {
        String scope() {
            return listing.name() + "/" + sort.name() + "/" + (descending ? "desc" : "asc") + (user == null ? "" : "/" + user)
                    + (tier == null ? "" : "/tier=" + tier);
        }
    }

    private record Entry(byte[] entry, JsonNode row) {}

    private final MartQueries queries;
    private final Forwarder forwarder;
    private final Cursors cursors;
    private final TierFields rows;

    Listings(MartQueries queries, Forwarder forwarder, Cursors cursors, TierFields rows) {
        this.queries = queries;
        this.forwarder = forwarder;
        this.cursors = cursors;
        this.rows = rows;
    }

    /** A share of a page, and the event time all its partitions have reached (null: unknown for one of them). */
    private record Share(List<Entry> entries, Long eventTime) {}

    /** {@code sort}, {@code order}, {@code limit}, {@code cursor} of a public listing; {@code user} for a user's candidates. */
    Request parse(Context ctx, Listing listing, Long user) {
        MartIndex.Sort sort;
        boolean descending;
        if (user != null) { // a user's candidates: highest estimated_lost_revenue first, always
            sort = listing.index().sort(listing.defaultSort());
            descending = true;
        } else {
            String sortName = param(ctx, "sort", listing.defaultSort());
            sort = listing.index().sort(sortName);
            if (sort == null || sort.perUser()) {
                throw ApiError.badRequest("sort must be one of " + publicSorts(listing) + ", not '" + shorten(sortName) + "'");
            }
            String order = param(ctx, "order", "asc");
            if (!order.equals("asc") && !order.equals("desc")) {
                throw ApiError.badRequest("order must be asc or desc, not '" + shorten(order) + "'");
            }
            descending = order.equals("desc");
        }
        String limitText = param(ctx, "limit", Integer.toString(DEFAULT_LIMIT));
        int limit;
        try {
            limit = Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiError.badRequest("limit must be an integer from 1 to " + MAX_LIMIT + ", not '" + shorten(limitText) + "'");
        }
        String tier = ctx.queryParam("tier");
        if (tier != null && !tier.isEmpty()) {
            if (listing != CUSTOMERS) {
                throw ApiError.badRequest("tier filters the customer listing only");
            }
            if (!thelook.streams.tiers.CustomerTiers.ENGAGEMENT_TIERS.contains(tier)) {
                throw ApiError.badRequest("tier must be one of " + thelook.streams.tiers.CustomerTiers.ENGAGEMENT_TIERS + ", not '"
                        + shorten(tier) + "'");
            }
        } else {
            tier = null;
        }
        Request request = new Request(listing, sort, descending, limit, null, user, tier);
        String cursor = ctx.queryParam("cursor");
        if (cursor == null || cursor.isEmpty()) {
            return request;
        }
        byte[] after = cursors.decode(cursor, request.scope());
        if (after.length != sort.entryBytes()) {
            throw ApiError.badRequest("cursor is not one of ours");
        }
        return new Request(listing, sort, descending, limit, after, user, tier);
    }

    /** The page, from every partition's active owner. */
    void page(Context ctx, Request r) {
        int partitions = queries.partitionCount(r.listing().store());
        Map<HostInfo, List<Integer>> byHost = new TreeMap<>(Comparator.comparing(HostInfo::toString));
        for (MartQueries.Placement p : queries.placements(r.listing().store())) {
            for (int partition : p.active()) {
                byHost.computeIfAbsent(p.host(), h -> new ArrayList<>()).add(partition);
            }
        }
        long covered = byHost.values().stream().mapToLong(List::size).sum();
        if (partitions == 0 || covered != partitions) {
            throw ApiError.unavailable("not every partition of " + r.listing().store() + " has an active owner (rebalancing)");
        }
        List<Entry> entries = new ArrayList<>();
        Long eventTime = Long.MAX_VALUE;
        for (var e : byHost.entrySet()) {
            Share share = e.getKey().equals(queries.self()) ? local(r, e.getValue()) : remote(ctx, e.getKey(), r, e.getValue());
            entries.addAll(share.entries());
            eventTime = eventTime == null || share.eventTime() == null ? null : Math.min(eventTime, share.eventTime());
        }
        if (eventTime != null && eventTime != Long.MAX_VALUE) {
            ctx.header(ApiServer.EVENT_TIME, ApiServer.eventTime(eventTime));
        }
        Comparator<Entry> order = (a, b) -> Arrays.compareUnsigned(a.entry(), b.entry());
        entries.sort(r.descending() ? order.reversed() : order);
        ArrayNode rows = RowJson.JSON.createArrayNode();
        for (int i = 0; i < Math.min(r.limit(), entries.size()); i++) {
            rows.add(entries.get(i).row());
        }
        ObjectNode body = RowJson.JSON.createObjectNode();
        body.set("rows", rows);
        if (entries.size() > r.limit()) {
            body.put("next", cursors.encode(r.scope(), entries.get(r.limit() - 1).entry()));
        } else {
            body.putNull("next");
        }
        ctx.header(ApiServer.SERVED_BY, queries.selfName());
        ApiServer.json(ctx, 200, body);
    }

    /** The internal route another instance calls: this instance's share of a page. */
    void localPage(Context ctx) {
        Listing listing = BY_NAME.get(ctx.queryParam("listing"));
        if (listing == null) {
            throw ApiError.badRequest("unknown listing");
        }
        MartIndex.Sort sort = listing.index().sort(ctx.queryParam("sort"));
        if (sort == null) {
            throw ApiError.badRequest("unknown sort");
        }
        String after = ctx.queryParam("after");
        String user = ctx.queryParam("user");
        List<Integer> partitions;
        int limit;
        try {
            partitions = Arrays.stream(ctx.queryParam("partitions").split(",")).map(Integer::parseInt).toList();
            limit = Integer.parseInt(ctx.queryParam("limit"));
        } catch (RuntimeException e) {
            throw ApiError.badRequest("partitions and limit must be integers");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiError.badRequest("limit out of range");
        }
        String tier = ctx.queryParam("tier");
        if (tier != null && !thelook.streams.tiers.CustomerTiers.ENGAGEMENT_TIERS.contains(tier)) {
            throw ApiError.badRequest("unknown tier");
        }
        Request r = new Request(listing, sort, "desc".equals(ctx.queryParam("order")), limit,
                after == null ? null : Base64.getUrlDecoder().decode(after), user == null ? null : Long.parseLong(user), tier);
        ArrayNode out = RowJson.JSON.createArrayNode();
        Share share = local(r, partitions);
        for (Entry e : share.entries()) {
            out.addObject().put("entry", Base64.getUrlEncoder().withoutPadding().encodeToString(e.entry())).set("row", e.row());
        }
        ObjectNode body = RowJson.JSON.createObjectNode();
        body.set("entries", out);
        if (share.eventTime() != null) {
            body.put("event_time_micros", share.eventTime());
        }
        ApiServer.json(ctx, 200, body);
    }

    private Share remote(Context ctx, HostInfo host, Request r, List<Integer> partitions) {
        StringBuilder path = new StringBuilder("/internal/v1/page?listing=").append(r.listing().name())
                .append("&sort=").append(java.net.URLEncoder.encode(r.sort().name(), java.nio.charset.StandardCharsets.UTF_8))
                .append("&order=").append(r.descending() ? "desc" : "asc")
                .append("&limit=").append(r.limit())
                .append("&partitions=").append(partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
        if (r.after() != null) {
            path.append("&after=").append(Base64.getUrlEncoder().withoutPadding().encodeToString(r.after()));
        }
        if (r.user() != null) {
            path.append("&user=").append(r.user());
        }
        if (r.tier() != null) {
            path.append("&tier=").append(r.tier());
        }
        Forwarder.Answer answer = forwarder.getPath(MartQueries.url(host), path.toString(), ctx);
        if (answer == null || answer.status() != 200) {
            throw ApiError.unavailable("instance " + host + " did not answer its part of the page");
        }
        List<Entry> out = new ArrayList<>();
        try {
            JsonNode body = RowJson.JSON.readTree(answer.body());
            for (JsonNode e : body.get("entries")) {
                out.add(new Entry(Base64.getUrlDecoder().decode(e.get("entry").asText()), e.get("row")));
            }
            JsonNode time = body.get("event_time_micros");
            return new Share(out, time == null || time.isNull() ? null : time.asLong());
        } catch (IOException | RuntimeException e) {
            throw ApiError.unavailable("instance " + host + " answered its part of the page with something unreadable");
        }
    }

    /** At most {@code limit + 1} entries per partition after the position, each with its row. */
    private Share local(Request r, List<Integer> partitions) {
        MartIndex<?> index = r.listing().index();
        Bytes from = r.descending() ? index.lowest(r.sort(), r.user()) : (r.after() != null ? Bytes.wrap(r.after()) : index.lowest(r.sort(), r.user()));
        Bytes to = r.descending() ? (r.after() != null ? Bytes.wrap(r.after()) : index.highest(r.sort(), r.user())) : index.highest(r.sort(), r.user());
        List<Entry> out = new ArrayList<>();
        var json = rows.forPage();
        Long eventTime = Long.MAX_VALUE;
        for (int partition : partitions) {
            Long reached = queries.eventTime(r.listing().store(), partition);
            eventTime = eventTime == null || reached == null ? null : Math.min(eventTime, reached);
            try {
                ReadOnlyKeyValueStore<Bytes, byte[]> store = queries.activeStore(index.indexStore(), partition);
                ReadOnlyKeyValueStore<Object, SpecificRecord> martRows = queries.activeStore(r.listing().store(), partition);
                int taken = 0;
                try (KeyValueIterator<Bytes, byte[]> it = r.descending() ? store.reverseRange(from, to) : store.range(from, to)) {
                    while (it.hasNext() && taken <= r.limit()) {
                        byte[] entry = it.next().key.get();
                        if (r.after() != null && Arrays.equals(entry, r.after())) {
                            continue;
                        }
                        SpecificRecord row = martRows.get(rowKey(r.listing(), index.rowKeyOf(r.sort(), entry)));
                        if (row == null) { // written after the index entry's row was read: skipped, as a later page would
                            continue;
                        }
                        if (r.tier() != null && !r.tier().equals(thelook.streams.tiers.CustomerTiers.engagementTier(
                                (thelook.avro.DimCustomerMetrics) row))) {
                            continue; // filtered: the scan goes on until limit + 1 rows match
                        }
                        out.add(new Entry(entry, json.apply(row)));
                        taken++;
                    }
                }
            } catch (InvalidStateStoreException moving) {
                throw ApiError.unavailable("partition " + partition + " of " + r.listing().store() + " is moving between instances");
            }
        }
        return new Share(out, eventTime == null || eventTime == Long.MAX_VALUE ? null : eventTime);
    }

    /** The mart store's key of an index entry's row key. */
    private static Object rowKey(Listing listing, byte[] rowKey) {
        return listing.index() == MartIndex.CROSS_SELL
                ? KeyBytes.of(MartIndex.idOf(rowKey, 1), MartIndex.idOf(rowKey, 0)) // stored as (product, user)
                : (Object) MartIndex.idOf(rowKey, 0);
    }

    private static String param(Context ctx, String name, String fallback) {
        String v = ctx.queryParam(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    private static String publicSorts(Listing listing) {
        return listing.index().sorts().stream().filter(s -> !s.perUser()).map(MartIndex.Sort::name).toList().toString();
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
