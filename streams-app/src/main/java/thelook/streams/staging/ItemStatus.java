package thelook.streams.staging;

/**
 * The two things the marts read of an order item's status (docs/marts.md section 3), so that staging can
 * tell which status changes the marts cannot see. Both comparisons are exact and case-sensitive.
 */
public final class ItemStatus {
    private ItemStatus() {}

    /** fct_cross_sell_candidates: a purchase unless Cancelled; NULL is not a purchase (three-valued logic). */
    public static boolean isPurchase(String status) {
        return status != null && !status.equals("Cancelled");
    }

    /** dim_product_performance: a return. */
    public static boolean isReturn(String status) {
        return "Returned".equals(status);
    }
}
