package thelook.streams.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.streams.topology.StoreKind;

class StateStoreChoiceTest {
    private static final long MB = 1L << 20;
    private static final long GB = 1L << 30;

    @TempDir
    Path tmp;

    @Test
    void memoryWhenTheHeapIsThreeTimesTheInputElseRocksDb() {
        // the 100,000-user benchmark: 363 MB of mart inputs
        assertThat(StateStoreChoice.of(363 * MB, 6 * GB).kind()).isEqualTo(StoreKind.MEMORY);
        assertThat(StateStoreChoice.of(363 * MB, 1100 * MB).kind()).isEqualTo(StoreKind.MEMORY);
        assertThat(StateStoreChoice.of(363 * MB, 1 * GB).kind()).isEqualTo(StoreKind.ROCKSDB);
        assertThat(StateStoreChoice.of(GB, 3 * GB).kind()).isEqualTo(StoreKind.MEMORY);
        assertThat(StateStoreChoice.of(GB + 1, 3 * GB).kind()).isEqualTo(StoreKind.ROCKSDB);
    }

    @Test
    void theExplanationSaysWhyAndWhatHeapWouldDo() {
        assertThat(StateStoreChoice.of(363 * MB, 6 * GB).explain())
                .startsWith("state in memory").contains("363 MB").contains("6.0 GB");
        assertThat(StateStoreChoice.of(363 * MB, 1 * GB).explain())
                .startsWith("state on RocksDB").contains("363 MB").contains("1.0 GB").endsWith("-Xmx2g");
    }

    @Test
    void onlyTheCsvsTheMartsReadCountAndAMissingOneIsLeftToTheReader() throws Exception {
        Files.write(tmp.resolve("events.csv"), new byte[3000]);
        Files.write(tmp.resolve("users.csv"), new byte[500]);
        Files.write(tmp.resolve("inventory_items.csv"), new byte[100_000]); // replayed, but feeds no mart
        assertThat(StateStoreChoice.forInput(tmp, GB).inputBytes()).isEqualTo(3500);
    }
}
