package thelook.backfill.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.schemas.TheLookTable;

class TheLookGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void theSameUsersAndSeedGiveTheSameFiles() throws Exception {
        new TheLookGenerator(200, 9).writeCsv(dir.resolve("a"));
        new TheLookGenerator(200, 9).writeCsv(dir.resolve("b"));
        new TheLookGenerator(200, 10).writeCsv(dir.resolve("c"));
        for (TheLookTable t : TheLookTable.values()) {
            String file = t.tableName() + ".csv";
            assertThat(Files.readAllBytes(dir.resolve("a").resolve(file))).isEqualTo(Files.readAllBytes(dir.resolve("b").resolve(file)));
        }
        assertThat(Files.readString(dir.resolve("a/events.csv"))).isNotEqualTo(Files.readString(dir.resolve("c/events.csv")));
    }

    @Test
    void followsTheShapeOfTheLook() {
        var counts = new TheLookGenerator(2000, 1).writeCsv(dir);
        assertThat(counts.get(TheLookTable.USERS)).isEqualTo(2000);
        assertThat(counts.get(TheLookTable.DISTRIBUTION_CENTERS)).isEqualTo(10);
        assertThat(counts.get(TheLookTable.PRODUCTS)).isEqualTo(582);
        double ordersPerUser = counts.get(TheLookTable.ORDERS) / 2000.0;   // weights .2/.5/.2/.05/.05 -> 1.25
        double itemsPerOrder = (double) counts.get(TheLookTable.ORDER_ITEMS) / counts.get(TheLookTable.ORDERS); // -> 1.45
        assertThat(ordersPerUser).isBetween(1.15, 1.35);
        assertThat(itemsPerOrder).isBetween(1.35, 1.55);
    }
}
