package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.source.OnError;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.TheLookTable;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.app.BackfillJob;
import thelook.streams.app.CatchUp;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.embedded.EmbeddedKafka;
import thelook.streams.names.TopicNames;
import thelook.streams.serving.ApiServer;
import thelook.streams.testing.ChildJvm;
import thelook.streams.topology.StoreKind;
import thelook.streams.topology.TheLookTopology;

/**
 * One of two instances (a child JVM) is killed with {@code kill -9}: the keys it owned are answered by the
 * standby on the other instance ({@code X-Stale}, {@code X-Lag-Records}) or, once the group has moved
 * them, by their new owner, with the same rows; in between, only 503 with Retry-After, never another 5xx.
 */
class ServingFailoverTest {
    static final String APP = "thelook-failover-it";

    @TempDir
    Path tmp;

    @Test
    void aKilledOwnersKeysAreAnsweredByTheStandbyThenTheNewOwner() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(150, 41).writeCsv(input);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null)) {
            Map<String, String> client = Map.of("session.timeout.ms", "10000", "heartbeat.interval.ms", "2000");
            KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), client);
            RegistrySettings registry = new RegistrySettings(ApicurioRegistry.shared().url(), Map.of());
            String prefix = "failover-" + System.nanoTime() % 100000 + ".";
            TopicNames topics = new TopicNames(prefix);
            new BackfillJob(new BackfillJob.Options(input, clients, registry, topics, 4, OnError.FAIL), new JobListener() {}).run();
            int childPort = ApicurioRegistry.freePort();
            try (MartsService local = MartsService.start(new MartsService.Options(clients, registry, topics, APP, tmp.resolve("a"),
                    StoreKind.ROCKSDB, 1, 1, null, 100, 0, 0, null, OnError.FAIL, Duration.ofMinutes(2),
                    new ApiServer.Settings(0, "localhost", 0, null, false)), new JobListener() {});
                 ChildJvm child = ChildJvm.start(tmp.resolve("child.log"), "run", "--bootstrap-servers", kafka.bootstrapServers(),
                         "--schema-registry-url", registry.url(), "--topic-prefix", prefix, "--application-id", APP,
                         "--state-dir", tmp.resolve("b").toString(), "--threads", "1", "--standby-replicas", "1",
                         "--port", String.valueOf(childPort), "--advertised-url", "http://localhost:" + childPort,
                         "--kafka-config", "session.timeout.ms=10000", "--kafka-config", "heartbeat.interval.ms=2000");
                 Admin admin = clients.admin()) {
                child.awaitOutput("Running", Duration.ofMinutes(2));
                String base = "http://localhost:" + local.apiPort();
                CatchUp catchUp = new CatchUp(admin, clients, APP, TheLookTopology.INPUTS.stream().map(t -> t.topic(prefix)).toList());
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (!catchUp.lag().caughtUp() || ApiRows.get(base + "/health/ready").status() != 200
                        || ApiRows.get("http://localhost:" + childPort + "/health/ready").status() != 200) {
                    assertThat(System.nanoTime()).as("both ready and caught up").isLessThan(deadline);
                    Thread.sleep(200);
                }
                // the users whose rows the child owns, and their rows as the child serves them
                Map<Integer, JsonNode> ownedByChild = new HashMap<>();
                for (int user = 1; user <= 150 && ownedByChild.size() < 20; user++) {
                    ApiRows.Response r = ApiRows.get(base + "/api/customers/" + user);
                    assertThat(r.status()).isEqualTo(200);
                    if (("localhost:" + childPort).equals(r.header("X-Served-By"))) {
                        ownedByChild.put(user, r.body());
                    }
                }
                assertThat(ownedByChild).as("the child owns some users").isNotEmpty();

                child.kill();
                int stale = 0;
                int unavailable = 0;
                boolean settled = false;
                long killed = System.nanoTime();
                long until = killed + Duration.ofSeconds(90).toNanos();
                while (!settled && System.nanoTime() < until) {
                    settled = true;
                    for (var e : ownedByChild.entrySet()) {
                        ApiRows.Response r = ApiRows.get(base + "/api/customers/" + e.getKey());
                        if (r.status() == 503) {
                            assertThat(r.header("Retry-After")).as("a 503 says when to retry").isNotNull();
                            unavailable++;
                            settled = false;
                            continue;
                        }
                        assertThat(r.status()).as("only 200 or 503 while the owner is dead: " + r.text()).isEqualTo(200);
                        assertThat(r.body()).as("user " + e.getKey()).isEqualTo(e.getValue());
                        if ("true".equals(r.header("X-Stale"))) {
                            assertThat(r.header("X-Lag-Records")).matches("\\d+");
                            stale++;
                            settled = false;
                        } else {
                            assertThat(r.header("X-Served-By")).isEqualTo("localhost:" + local.apiPort());
                        }
                    }
                    Thread.sleep(100);
                }
                assertThat(settled).as("the surviving instance owns and serves every key within 90 s (stale answers: "
                        + stale + ", 503s: " + unavailable + ")").isTrue();
                assertThat(stale).as("the standby answered while the owner was dead").isPositive();
                System.out.printf("failover: %d keys, %d stale answers, %d 503s, settled on the new owner after %.1f s%n",
                        ownedByChild.size(), stale, unavailable, (System.nanoTime() - killed) / 1e9);
                List<JsonNode> rows = ServingTest.walkAt(base, "/api/customers?limit=50");
                assertThat(rows).hasSize(150);
            }
        }
    }
}
