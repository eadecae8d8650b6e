package thelook.backfill.source;

import org.apache.avro.specific.SpecificRecord;

/** Receives a current row: where it was read (a file line, a stream's row number; for messages) and its record. */
@FunctionalInterface
public interface RowConsumer {
    void accept(long position, SpecificRecord record);
}
