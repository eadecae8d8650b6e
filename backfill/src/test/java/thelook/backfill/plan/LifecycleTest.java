package thelook.backfill.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import thelook.avro.InventoryItem;
import thelook.avro.Order;
import thelook.schemas.AvroTrust;
import thelook.schemas.Micros;
import thelook.schemas.TheLookTable;

/** docs/marts.md section 5, one rule per test. */
class LifecycleTest {
    static {
        AvroTrust.install();
    }

    private static final Instant C = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant S = Instant.parse("2024-01-02T00:00:00Z");
    private static final Instant D = Instant.parse("2024-01-03T00:00:00Z");
    private static final Instant R = Instant.parse("2024-01-04T00:00:00Z");

    private static Order order(String status, Instant created, Instant shipped, Instant delivered, Instant returned) {
        return Order.newBuilder().setOrderId(1L).setUserId(7L).setStatus(status).setCreatedAt(created)
                .setShippedAt(shipped).setDeliveredAt(delivered).setReturnedAt(returned).setNumOfItem(1L).build();
    }

    private static List<String> statuses(List<Lifecycle.Version> versions) {
        return versions.stream().map(v -> ((Order) v.row()).getStatus() + "@" + v.time()).toList();
    }

    @Test
    void returnedWalksAllFourStepsEachKnowingOnlyItsPast() {
        Order row = order("Returned", C, S, D, R);
        List<Lifecycle.Version> v = Lifecycle.unfold(TheLookTable.ORDERS, row);
        assertThat(statuses(v)).containsExactly("Processing@" + Micros.of(C), "Shipped@" + Micros.of(S),
                "Complete@" + Micros.of(D), "Returned@" + Micros.of(R));
        Order processing = (Order) v.get(0).row();
        assertThat(processing.getShippedAt()).isNull();
        assertThat(processing.getDeliveredAt()).isNull();
        assertThat(((Order) v.get(1).row()).getDeliveredAt()).isNull();
        assertThat(((Order) v.get(2).row()).getReturnedAt()).isNull();
        assertThat(v.get(3).row()).isSameAs(row);
    }

    @Test
    void cancelledOrUnknownIsTheFinalRowAtCreation() {
        assertThat(statuses(Lifecycle.unfold(TheLookTable.ORDERS, order("Cancelled", C, S, null, null))))
                .containsExactly("Cancelled@" + Micros.of(C));
        assertThat(statuses(Lifecycle.unfold(TheLookTable.ORDERS, order(null, C, null, null, null))))
                .containsExactly("null@" + Micros.of(C));
    }

    @Test
    void aMissingStepIsSkippedAndTheSnapshotRowIsAlwaysLast() {
        Order row = order("Returned", C, null, D, null); // no shipped_at, no returned_at
        List<Lifecycle.Version> v = Lifecycle.unfold(TheLookTable.ORDERS, row);
        assertThat(statuses(v)).containsExactly("Processing@" + Micros.of(C), "Complete@" + Micros.of(D),
                "Returned@" + Micros.of(D));
        assertThat(v.get(2).row()).isSameAs(row);
    }

    @Test
    void aStepEarlierThanThePreviousIsEmittedAtThePreviousTime() {
        List<Lifecycle.Version> v = Lifecycle.unfold(TheLookTable.ORDERS, order("Shipped", S, C, null, null));
        assertThat(statuses(v)).containsExactly("Processing@" + Micros.of(S), "Shipped@" + Micros.of(S));
    }

    @Test
    void withoutAnyTimeTheRowComesFirst() {
        assertThat(statuses(Lifecycle.unfold(TheLookTable.ORDERS, order("Complete", null, null, null, null))))
                .containsExactly("Complete@" + PlannedRecord.NO_TIME);
    }

    @Test
    void inventoryItemsAppearAtCreationAndAgainWhenSold() {
        InventoryItem item = InventoryItem.newBuilder().setId(1L).setCreatedAt(C).setSoldAt(S).build();
        List<Lifecycle.Version> v = Lifecycle.unfold(TheLookTable.INVENTORY_ITEMS, item);
        assertThat(v).extracting(Lifecycle.Version::time).containsExactly(Micros.of(C), Micros.of(S));
        assertThat(((InventoryItem) v.get(0).row()).getSoldAt()).isNull();
        assertThat(v.get(1).row()).isSameAs(item);
    }
}
