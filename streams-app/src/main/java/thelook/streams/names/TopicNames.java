package thelook.streams.names;

/** The project's topic names under one prefix (default {@code thelook.}). */
public record TopicNames(String prefix) {
    public static TopicNames defaults() {
        return new TopicNames(thelook.schemas.TheLookTable.DEFAULT_TOPIC_PREFIX);
    }

    public String customerMetrics() {
        return prefix + "mart.dim_customer_metrics";
    }

    public String productPerformance() {
        return prefix + "mart.dim_product_performance";
    }

    public String crossSellCandidates() {
        return prefix + "mart.fct_cross_sell_candidates";
    }

    /** The RFM thresholds of the customer tiers (one partition, compacted; the service only). */
    public String customerTierThresholds() {
        return prefix + "mart.customer_tier_thresholds";
    }

    public String deadLetters() {
        return prefix + "dlq";
    }

    public java.util.List<String> marts() {
        return java.util.List.of(customerMetrics(), productPerformance(), crossSellCandidates());
    }
}
