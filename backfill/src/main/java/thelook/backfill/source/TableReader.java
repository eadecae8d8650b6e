package thelook.backfill.source;

import thelook.backfill.source.OnError;
import thelook.backfill.source.RowErrors;
import thelook.schemas.TheLookTable;

/** One part of one table that can be read apart from (and in parallel with) the others. */
public interface TableReader {
    TheLookTable table();

    /** How much there is to read, to start the biggest part first; 0 when unknown. */
    long sizeBytes();

    /**
     * A fast pass that may give up: yields every row and returns true, or stops at the first row that
     * needs the careful path (a repeated key, a bad value) and returns false, and the caller drops what
     * it got and calls {@link #forEachCurrentRow}. By default it gives up at once.
     */
    default boolean forEachRowIfUniqueAndValid(RowConsumer consumer) {
        return false;
    }

    /**
     * Yields the current version of every row. A malformed row throws
     * {@link thelook.backfill.source.BadInputException} naming where it is, or with {@link OnError#SKIP} is
     * recorded in {@code errors} and left out.
     */
    void forEachCurrentRow(OnError onError, RowErrors errors, RowConsumer consumer);
}
