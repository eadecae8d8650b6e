package thelook.streams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml parses ({@code docker-compose config}, Debian's docker-compose; no Docker engine is
 * needed for that) and runs the service as two instances and a backfill. Skipped where docker-compose is
 * absent, except in CI, which installs it (.ci/run).
 */
class ComposeFileTest {
    @Test
    void composeFileParsesAndRunsTheService() throws Exception {
        Path compose = Path.of("..", "docker-compose.yml").toAbsolutePath().normalize();
        boolean present = Files.isExecutable(Path.of("/usr/bin/docker-compose")) || onPath("docker-compose");
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("docker-compose is missing in CI: .ci/run should have installed it");
        }
        assumeTrue(present, "docker-compose is not installed (apt-get install docker-compose); skipping the compose check");

        Result config = run("docker-compose", "-f", compose.toString(), "config", "-q");
        assertThat(config.exit).as(config.output).isZero();
        Result services = run("docker-compose", "-f", compose.toString(), "config", "--services");
        assertThat(services.exit).as(services.output).isZero();
        assertThat(services.output.lines().toList()).contains("kafka", "schema-registry", "marts-1", "marts-2", "sink", "backfill",
                "pubsub-emulator", "pubsub-setup", "ingest");
        Result resolved = run("docker-compose", "-f", compose.toString(), "config");
        assertThat(resolved.output).contains("--standby-replicas").contains("backfill").contains("/data/thelook");
    }

    private record Result(int exit, String output) {}

    private static Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
