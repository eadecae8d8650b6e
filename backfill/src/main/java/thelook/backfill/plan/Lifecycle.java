package thelook.backfill.plan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import thelook.schemas.Micros;
import thelook.schemas.TheLookTable;

/**
 * Unfolds a snapshot row into the versions the business would have seen (docs/marts.md section 5).
 * Orders and items walk Processing -> Shipped -> Complete -> Returned as far as their final status;
 * inventory items appear at created_at and again at sold_at. A step without a timestamp is skipped,
 * a step earlier than the previous one is emitted at the previous one's time, and the last version is
 * always the row exactly as in the snapshot.
 */
public final class Lifecycle {
    /** A version of a row at an event time (epoch micros, or PlannedRecord.NO_TIME). */
    public record Version(long time, SpecificRecord row) {}

    private static final String[] ORDER_STATUSES = {"Processing", "Shipped", "Complete", "Returned"};
    private static final String[] ORDER_TIMES = {"created_at", "shipped_at", "delivered_at", "returned_at"};
    private static final String[] INVENTORY_TIMES = {"created_at", "sold_at"};

    private Lifecycle() {}

    public static List<Version> unfold(TheLookTable table, SpecificRecord row) {
        return switch (table) {
            case PRODUCTS, DISTRIBUTION_CENTERS -> List.of(new Version(PlannedRecord.NO_TIME, row));
            case USERS, EVENTS -> List.of(new Version(micros(row, "created_at"), row));
            case ORDERS, ORDER_ITEMS -> unfoldStatus(row);
            case INVENTORY_ITEMS -> unfoldSteps(row, INVENTORY_TIMES, null, INVENTORY_TIMES.length);
        };
    }

    private static List<Version> unfoldStatus(SpecificRecord row) {
        Object status = get(row, "status");
        int finalStep = -1;
        for (int i = 0; i < ORDER_STATUSES.length; i++) {
            if (ORDER_STATUSES[i].equals(status)) {
                finalStep = i;
            }
        }
        if (finalStep < 0) { // Cancelled, NULL or anything else: the final row at created_at
            return List.of(new Version(micros(row, "created_at"), row));
        }
        return unfoldSteps(row, ORDER_TIMES, ORDER_STATUSES, finalStep + 1);
    }

    /** Walks steps 0..steps-1; step i happens at times[i] and, when statuses is given, sets that status. */
    private static List<Version> unfoldSteps(SpecificRecord row, String[] times, String[] statuses, int steps) {
        List<Version> versions = new ArrayList<>(steps);
        long previous = PlannedRecord.NO_TIME;
        boolean finalEmitted = false;
        for (int step = 0; step < steps; step++) {
            long time = micros(row, times[step]);
            if (time == PlannedRecord.NO_TIME) {
                continue;
            }
            time = Math.max(time, previous);
            boolean last = step == steps - 1;
            versions.add(new Version(time, last ? row : partial(row, times, statuses, step)));
            previous = time;
            finalEmitted = last;
        }
        if (!finalEmitted) {
            versions.add(new Version(previous, row));
        }
        return versions;
    }

    /** The row as known at step {@code step}: that step's status, later steps' timestamps NULL. */
    private static SpecificRecord partial(SpecificRecord row, String[] times, String[] statuses, int step) {
        SpecificRecordBase copy = (SpecificRecordBase) SpecificData.get().deepCopy(row.getSchema(), row);
        for (int later = step + 1; later < times.length; later++) {
            copy.put(times[later], null);
        }
        if (statuses != null) {
            copy.put("status", statuses[step]);
        }
        return copy;
    }

    private static Object get(SpecificRecord row, String field) {
        return ((SpecificRecordBase) row).get(field);
    }

    private static long micros(SpecificRecord row, String field) {
        Instant t = (Instant) get(row, field);
        return t == null ? PlannedRecord.NO_TIME : Micros.of(t);
    }
}
