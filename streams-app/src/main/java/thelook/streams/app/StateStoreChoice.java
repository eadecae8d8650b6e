package thelook.streams.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import thelook.schemas.TheLookTable;
import thelook.streams.topology.StoreKind;
import thelook.streams.topology.TheLookTopology;

/**
 * {@code --state-store auto}, the replay's default: the state in memory when the heap can hold it, else on
 * RocksDB. Decided from the size of the CSVs the marts read, before any is parsed, because the topology
 * starts while they are read. At 100,000 users (363 MB of those CSVs) a replay in memory ran at full speed
 * in a 1,100 MB heap and failed in a 600 MB one (docs/benchmarks.md); the rule asks for three bytes of heap
 * per byte of CSV.
 */
public record StateStoreChoice(StoreKind kind, long inputBytes, long maxHeapBytes) {
    static final int HEAP_BYTES_PER_INPUT_BYTE = 3;

    public static StateStoreChoice forInput(Path inputDir, long maxHeapBytes) {
        return of(csvBytes(inputDir), maxHeapBytes);
    }

    /** Bytes of the CSVs the marts read in {@code inputDir}. */
    static long csvBytes(Path inputDir) {
        long bytes = 0;
        for (TheLookTable table : TheLookTopology.INPUTS) {
            try {
                bytes += Files.size(inputDir.resolve(table.tableName() + ".csv"));
            } catch (IOException missing) {
                // reading the CSVs reports a missing file, naming it
            }
        }
        return bytes;
    }

    static StateStoreChoice of(long inputBytes, long maxHeapBytes) {
        boolean fits = inputBytes <= maxHeapBytes / HEAP_BYTES_PER_INPUT_BYTE;
        return new StateStoreChoice(fits ? StoreKind.MEMORY : StoreKind.ROCKSDB, inputBytes, maxHeapBytes);
    }

    /** One line for the console: which, and why. */
    public String explain() {
        String sizes = String.format("the marts' CSVs hold %s and the heap allows %s", size(inputBytes), size(maxHeapBytes));
        return kind == StoreKind.MEMORY
                ? "state in memory (--state-store auto): " + sizes
                : "state on RocksDB (--state-store auto): " + sizes + ", too little to hold it; for the faster"
                        + " in-memory state give the JVM -Xmx" + wholeGigabytes(HEAP_BYTES_PER_INPUT_BYTE * inputBytes) + "g";
    }

    private static long wholeGigabytes(long bytes) {
        return (bytes + (1L << 30) - 1) >> 30;
    }

    private static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format("%.1f GB", bytes / (double) (1L << 30))
                : String.format("%d MB", Math.max(1, bytes >> 20));
    }
}
