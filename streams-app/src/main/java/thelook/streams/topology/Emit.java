package thelook.streams.topology;

import org.apache.avro.specific.SpecificRecord;

/** Where a mart helper sends a changed row (null value = the row is gone) or an intermediate record. */
@FunctionalInterface
public interface Emit {
    void emit(Object key, SpecificRecord value);
}
