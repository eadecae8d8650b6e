package thelook.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** The Confluent compatibility rules, decided by Avro's own reader/writer resolution check. */
final class Compatibility {
    private Compatibility() {}

    /** Why {@code candidate} may not follow {@code earlier} (oldest first) at this level; empty if it may. */
    static List<String> problems(CompatibilityLevel level, Schema candidate, List<Schema> earlier) {
        List<String> out = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return out;
        }
        List<Schema> against = level.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1));
        for (Schema old : against) {
            if (level.newReadsOld()) {
                check(candidate, old, "the new schema cannot read data written with an earlier one", out);
            }
            if (level.oldReadsNew()) {
                check(old, candidate, "an earlier schema cannot read data written with the new one", out);
            }
        }
        return out;
    }

    private static void check(Schema reader, Schema writer, String what, List<String> out) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
            result.getIncompatibilities().forEach(i -> out.add(what + ": " + i.getType() + " at " + i.getLocation()
                    + (i.getMessage() == null ? "" : " (" + i.getMessage() + ")")));
        }
    }
}
