package thelook.backfill.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import thelook.schemas.TheLookTable;

/**
 * The columns the marts or the replay read, per table: a source whose table lacks one is refused before
 * anything is read, naming it. Other columns of the schemas are read when present and NULL otherwise;
 * columns the schemas do not know are ignored.
 */
public final class RequiredColumns {
    private static final Map<TheLookTable, List<String>> REQUIRED = Map.of(
            TheLookTable.PRODUCTS, List.of("id", "cost", "category", "name", "brand", "retail_price", "department"),
            TheLookTable.USERS, List.of("id", "created_at"),
            TheLookTable.ORDERS, List.of("order_id", "user_id", "status", "created_at", "shipped_at", "delivered_at", "returned_at"),
            TheLookTable.ORDER_ITEMS, List.of("id", "order_id", "product_id", "status", "sale_price",
                    "created_at", "shipped_at", "delivered_at", "returned_at"),
            TheLookTable.EVENTS, List.of("id", "user_id", "session_id", "created_at", "uri", "event_type"),
            TheLookTable.DISTRIBUTION_CENTERS, List.of("id"),
            TheLookTable.INVENTORY_ITEMS, List.of("id", "created_at", "sold_at"));

    private RequiredColumns() {}

    public static List<String> of(TheLookTable table) {
        return REQUIRED.get(table);
    }

    /** The marts cannot be computed without these; distribution_centers and inventory_items may be absent. */
    public static boolean isRequiredTable(TheLookTable table) {
        return table != TheLookTable.DISTRIBUTION_CENTERS && table != TheLookTable.INVENTORY_ITEMS;
    }

    /** The required columns of {@code table} that {@code present} lacks, in their order. */
    public static List<String> missing(TheLookTable table, Collection<String> present) {
        List<String> missing = new ArrayList<>();
        for (String column : REQUIRED.get(table)) {
            if (!present.contains(column)) {
                missing.add(column);
            }
        }
        return missing;
    }
}
