package thelook.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.schemas.testing.ApicurioRegistry;

/** The CLI's failures: non-zero exit and a message that names what is wrong, before anything reaches Kafka. */
class MainTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingInputDirectoryFailsClearly() {
        String err = runExpectingFailure("replay", "--input", tmp.resolve("nope").toString(), "--output", tmp.resolve("out").toString());
        assertThat(err).contains("nope").contains("not a directory");
    }

    @Test
    void aMalformedRowFailsNamingFileAndLine() throws Exception {
        Path in = tmp.resolve("in");
        assertThat(Main.run("generate", "--users", "20", "--out", in.toString())).isZero();
        String users = Files.readString(in.resolve("users.csv"));
        Files.writeString(in.resolve("users.csv"), users + "not-a-number,a,b,c,1,F,s,st,1,c,US,1,2,Search,2024-01-01 00:00:00 UTC\n");
        String err = runExpectingFailure("replay", "--input", in.toString(), "--output", tmp.resolve("out").toString());
        assertThat(err).contains("users.csv: line 22: column id: cannot read 'not-a-number' as INT64");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aBadOptionValueFailsClearly() {
        String err = runExpectingFailure("replay", "--input", tmp.toString(), "--output", tmp.toString(), "--on-error", "maybe");
        assertThat(err).contains("--on-error must be fail or skip");
    }

    @Test
    void aRegistryThatIsAwayFailsAfterBoundedRetriesNamingIt() throws Exception {
        Path in = tmp.resolve("in");
        assertThat(Main.run("generate", "--users", "5", "--out", in.toString())).isZero();
        String err = runExpectingFailure("replay", "--input", in.toString(), "--output", tmp.resolve("out").toString(),
                "--schema-registry-url", "http://localhost:1/apis/ccompat/v7",
                "--schema-registry-config", "max.retries=1", "--schema-registry-config", "retries.wait.ms=10");
        assertThat(err).contains("http://localhost:1/apis/ccompat/v7").contains("2 attempt(s)");
        assertThat(tmp.resolve("out")).doesNotExist();
    }

    @Test
    void aClusterWithoutARegistryIsRefused() {
        String err = runExpectingFailure("replay", "--input", tmp.toString(), "--output", tmp.resolve("out").toString(),
                "--bootstrap-servers", "localhost:1");
        assertThat(err).contains("--bootstrap-servers needs --schema-registry-url");
    }

    @Test
    void runWithAMissingClientPropertiesFileFailsNamingIt() {
        String err = runExpectingFailure("run", "--bootstrap-servers", "localhost:1", "--schema-registry-url", "mock://cli",
                "--kafka-config-file", tmp.resolve("client.properties").toString(), "--state-dir", tmp.resolve("s").toString());
        assertThat(err).contains("--kafka-config-file").contains("client.properties: no such file");
        assertThat(err).as("no stack trace without --verbose").doesNotContain("\tat ");
    }

    @Test
    void runAgainstAnUnreachableClusterFailsNamingIt() {
        String bootstrap = "localhost:" + ApicurioRegistry.freePort(); // nothing listens there
        String err = runExpectingFailure("run", "--bootstrap-servers", bootstrap, "--schema-registry-url", "mock://cli",
                "--kafka-config", "sasl.jaas.config=secret-value", "--start-timeout-s", "3", "--state-dir", tmp.resolve("s").toString());
        assertThat(err).contains("Kafka at " + bootstrap + " did not answer within 3 s").doesNotContain("\tat ").doesNotContain("secret-value");
    }

    @Test
    void runWithARegistryThatIsAwayFailsAndStopsItsEmbeddedBroker() {
        int kafkaPort = ApicurioRegistry.freePort();
        String err = runExpectingFailure("run", "--embedded-kafka-port", String.valueOf(kafkaPort), "--state-dir",
                tmp.resolve("s").toString(), "--schema-registry-url", "http://localhost:1", "--schema-registry-config", "max.retries=0",
                "--verbose");
        assertThat(err).contains("http://localhost:1").contains("1 attempt(s)");
        assertThat(err).as("--verbose prints the stack trace").contains("\tat ");
        try (java.net.ServerSocket again = new java.net.ServerSocket(kafkaPort)) {
            assertThat(again.getLocalPort()).as("the embedded broker's port is free again").isEqualTo(kafkaPort);
        } catch (java.io.IOException e) {
            throw new AssertionError("the embedded broker still holds port " + kafkaPort, e);
        }
    }

    @Test
    void backfillAgainstAnUnreachableClusterFailsNamingIt() {
        String bootstrap = "localhost:" + ApicurioRegistry.freePort();
        String err = runExpectingFailure("backfill", "--input", tmp.toString(), "--bootstrap-servers", bootstrap,
                "--schema-registry-url", "mock://cli", "--kafka-config", "request.timeout.ms=1000",
                "--kafka-config", "default.api.timeout.ms=2000");
        assertThat(err).contains("Kafka at " + bootstrap);
    }

    @Test
    void backfillOptionsThatCannotWorkAreRefusedNamingTheFlag() {
        assertThat(runExpectingFailure("backfill")).contains("name what to backfill").contains("--source csv:DIR");
        assertThat(runExpectingFailure("backfill", "--source", "ftp:somewhere")).contains("--source 'ftp:somewhere'")
                .contains("bigquery:PROJECT.DATASET");
        assertThat(runExpectingFailure("backfill", "--source", "generate:users=ten")).contains("users must be a whole number");
        assertThat(runExpectingFailure("backfill", "--source", "bigquery:nodataset")).contains("bigquery:PROJECT.DATASET");
        assertThat(runExpectingFailure("backfill", "--input", tmp.toString(), "--source", "csv:" + tmp)).contains("give one of them");
        assertThat(runExpectingFailure("backfill", "--input", tmp.toString(), "--speed", "fast")).contains("--speed 'fast'");
        assertThat(runExpectingFailure("backfill", "--input", tmp.toString(), "--rate", "-5/s")).contains("--rate '-5/s'");
        assertThat(runExpectingFailure("backfill", "--input", tmp.toString(), "--tables", "orders,refunds"))
                .contains("--tables: unknown table 'refunds'");
        assertThat(runExpectingFailure("backfill", "--input", tmp.toString(), "--since", "yesterday")).contains("--since 'yesterday'");
        assertThat(runExpectingFailure("backfill", "--input", tmp.toString(), "--since", "2024-01-01 00:00:00", "--until",
                "2023-01-01 00:00:00")).contains("the event-time window is empty");
        assertThat(runExpectingFailure("backfill", "--input", tmp.toString(), "--follow")).contains("--follow needs a bigquery: source");
    }

    private static String runExpectingFailure(String... args) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            assertThat(Main.run(args)).isNotZero();
        } finally {
            System.setErr(original);
        }
        return captured.toString();
    }
}
