package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite: times the DuckDB batch oracle on a dataset and compares a replay's marts with it
 * (docs/benchmarks.md). Runs only when -Dbenchmark.input=DIR is given; -Dbenchmark.marts=DIR adds the comparison.
 */
class OracleBenchmarkTest {
    @Test
    void oracleOnAGivenDataset() throws Exception {
        String input = System.getProperty("benchmark.input");
        assumeTrue(input != null, "benchmark only: pass -Dbenchmark.input=DIR");
        long started = System.nanoTime();
        try (BatchOracle oracle = BatchOracle.over(Path.of(input))) {
            System.out.printf("oracle: loaded and computed the three marts in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        String marts = System.getProperty("benchmark.marts");
        if (marts != null) {
            MartComparison.Result result = MartComparison.compare(Path.of(input), Path.of(marts));
            System.out.println("comparison: " + result);
            assertThat(result.differences()).isEmpty();
        }
    }
}
