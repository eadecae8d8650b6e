package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.schemas.TheLookTable;
import thelook.streams.cli.Main;

/**
 * A replay whose topology dead-letters records (an item with a NaN sale_price, which reads as a FLOAT64
 * but has no exact sum; its two lifecycle versions, Processing and Complete) says so loudly with the exact count, and exits 2 unless {@code --allow-dead-letters}. The count
 * is of records, not offsets: the topology's exactly-once producers also write transaction markers.
 */
class ReplayDeadLettersTest {
    @TempDir
    Path tmp;

    @Test
    void deadLettersAreCountedExactlyAndFailTheReplayUnlessAllowed() throws Exception {
        Path input = CsvDir.empty()
                .row(TheLookTable.PRODUCTS, "id", "1", "cost", "2", "retail_price", "5", "brand", "B", "category", "C", "department", "Men", "name", "P")
                .row(TheLookTable.USERS, "id", "1", "created_at", "2024-01-01 00:00:00 UTC")
                .row(TheLookTable.ORDERS, "order_id", "10", "user_id", "1", "status", "Complete", "created_at", "2024-01-02 00:00:00 UTC")
                .row(TheLookTable.ORDER_ITEMS, "id", "100", "order_id", "10", "product_id", "1", "status", "Complete", "sale_price", "5",
                        "created_at", "2024-01-02 00:00:00 UTC")
                .row(TheLookTable.ORDER_ITEMS, "id", "101", "order_id", "10", "product_id", "1", "status", "Complete", "sale_price", "NaN",
                        "created_at", "2024-01-02 00:00:00 UTC")
                .write(tmp.resolve("input"));

        Run refused = run("replay", "--input", input.toString(), "--output", tmp.resolve("out").toString());
        assertThat(refused.exit).isEqualTo(2);
        assertThat(refused.err).contains("DEAD LETTERS: 2 record(s) went to the dead-letter topic thelook.dlq")
                .contains("--allow-dead-letters");
        assertThat(tmp.resolve("out").resolve("dim_customer_metrics.csv")).exists();

        Run allowed = run("replay", "--input", input.toString(), "--output", tmp.resolve("out2").toString(), "--allow-dead-letters");
        assertThat(allowed.exit).isZero();
        assertThat(allowed.err).contains("DEAD LETTERS: 2 record(s)");
    }

    private record Run(int exit, String err) {}

    private static Run run(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            int exit = Main.run(args);
            return new Run(exit, captured.toString());
        } finally {
            System.setErr(original);
        }
    }
}
