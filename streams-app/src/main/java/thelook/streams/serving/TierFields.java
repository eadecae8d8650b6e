package thelook.streams.serving;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import thelook.avro.CustomerTierThresholds;
import thelook.avro.DimCustomerMetrics;
import thelook.streams.names.StoreNames;
import thelook.streams.tiers.CustomerTiers;

/**
 * A mart row as JSON; a {@code dim_customer_metrics} row gets the customer tiers after its dbt columns:
 * {@code recency_score}, {@code frequency_score}, {@code monetary_score} (1-5, null for a customer without
 * orders or before the first thresholds) and {@code engagement_tier}. The scores are computed at answer time
 * against the current thresholds, read from the global store every instance holds, so they are never older
 * than the thresholds (about a second behind the marts).
 */
final class TierFields {
    private final MartQueries queries;

    TierFields(MartQueries queries) {
        this.queries = queries;
    }

    ObjectNode json(SpecificRecord row) {
        return json(row, row instanceof DimCustomerMetrics ? thresholds() : null);
    }

    /** For the rows of one page: the thresholds are read once, at the first customer row, not once per row. */
    java.util.function.Function<SpecificRecord, ObjectNode> forPage() {
        CustomerTierThresholds[] read = new CustomerTierThresholds[1];
        boolean[] done = new boolean[1];
        return row -> {
            if (row instanceof DimCustomerMetrics && !done[0]) {
                read[0] = thresholds();
                done[0] = true;
            }
            return json(row, read[0]);
        };
    }

    private static ObjectNode json(SpecificRecord row, CustomerTierThresholds thresholds) {
        ObjectNode out = RowJson.of(row);
        if (row instanceof DimCustomerMetrics customer) {
            int[] scores = CustomerTiers.scores(customer, thresholds);
            for (int i = 0; i < SCORE_FIELDS.length; i++) {
                if (scores == null) {
                    out.putNull(SCORE_FIELDS[i]);
                } else {
                    out.put(SCORE_FIELDS[i], scores[i]);
                }
            }
            out.put("engagement_tier", CustomerTiers.engagementTier(customer));
        }
        return out;
    }

    static final String[] SCORE_FIELDS = {"recency_score", "frequency_score", "monetary_score"};

    /** The current thresholds, or null before the first (or while the global store restores). */
    CustomerTierThresholds thresholds() {
        try {
            ReadOnlyKeyValueStore<Long, CustomerTierThresholds> store = queries.streams().store(StoreQueryParameters.fromNameAndType(
                    StoreNames.CUSTOMER_TIER_THRESHOLDS, QueryableStoreTypes.<Long, CustomerTierThresholds>keyValueStore()));
            return store.get(0L);
        } catch (InvalidStateStoreException | IllegalStateException notYet) {
            return null;
        }
    }
}
