package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.generate.TheLookGenerator;
import thelook.backfill.source.OnError;
import thelook.schemas.TheLookTable;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.app.IngestService;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.SinkOptions;
import thelook.streams.ingest.PubSubAccess;
import thelook.streams.ingest.PubSubIngest;
import thelook.streams.ingest.RowPublisher;
import thelook.streams.names.TopicNames;
import thelook.streams.testing.ChildJvm;
import thelook.streams.testing.PubSubEmulator;
import thelook.streams.topology.StoreKind;

/**
 * {@code ingest pubsub} against the real Pub/Sub emulator: rows of every table published out of order
 * between tables, with duplicates, earlier versions before the final ones, and rows that are then
 * deleted, end in marts equal to the batch oracle over the final snapshot; malformed messages go to the
 * dead-letter topic with their reason and message id and are acked; messages nacked, or left unanswered
 * past their ack deadline, by another consumer come again and end in the marts; an ingest process killed with
 * {@code kill -9} while messages are in flight, and started again with every message delivered again (on a second subscription),
 * leaves the marts equal all the same (a row produced twice changes nothing), and SIGTERM stops it cleanly. The emulator is the real one of the Google Cloud SDK (skipped where absent, failing under CI=true).
 */
class PubSubIngestTest {
    private static final String PROJECT = "thelook-test";

    @TempDir
    Path tmp;

    /** One message to publish. */
    private record Message(TheLookTable table, long key, Map<String, Object> columns, boolean delete) {}

    @Test
    void publishedRowsEndInMartsEqualToTheOracleAndMalformedMessagesGoToTheDeadLetterTopic() throws Exception {
        Path snapshot = tmp.resolve("snapshot");
        new TheLookGenerator(150, 9).writeCsv(snapshot);
        List<List<Message>> units = messagesFor(snapshot, new Random(5), true);
        try (PubSubEmulator emulator = PubSubEmulator.start(tmp.resolve("emulator"));
             MartsService service = MartsService.start(service(tmp.resolve("state")), new JobListener() {})) {
            String subscription = emulator.createOrderedSubscription(PROJECT, "thelook-live", "thelook-ingest", 10);
            var options = new IngestService.Options(service.clients(), service.registry(), TopicNames.defaults(),
                    new PubSubIngest.Settings(subscription, 1000, 10L << 20), emulator.hostPort(), null, -1);
            long published;
            try (IngestService ingest = IngestService.start(options, new JobListener() {})) {
                published = publish(emulator, units);
                try (PubSubAccess access = PubSubAccess.of(emulator.hostPort(), null);
                     RowPublisher raw = new RowPublisher("projects/" + PROJECT + "/topics/thelook-live", access)) {
                    raw.publishRaw("events:bad-json", "{\"id\": 1, ".getBytes(StandardCharsets.UTF_8), Map.of("table", "events"));
                    raw.publishRaw(null, "{\"id\": \"abc\", \"user_id\": 1}".getBytes(StandardCharsets.UTF_8), Map.of("table", "users"));
                    raw.publishRaw(null, "{\"id\": 7}".getBytes(StandardCharsets.UTF_8), Map.of("table", "refunds"));
                    raw.publishRaw(null, "{\"user_id\": 7, \"created_at\": \"2024-01-01 00:00:00\"}".getBytes(StandardCharsets.UTF_8),
                            Map.of("table", "orders"));
                    raw.publishRaw(null, "{\"id\": 8, \"created_at\": \"yesterday\"}".getBytes(StandardCharsets.UTF_8), Map.of());
                }
                // Pub/Sub delivers at least once (the emulator, with ordering on, delivered 4,687 messages 7,600-8,200
                // times here), so the wait is for the marts to equal the oracle, not for a count of messages
                awaitMartsEqualTheOracle(service, snapshot, Duration.ofMinutes(2));
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (new java.util.HashSet<>(BackfillWindowAndFollowTest.deadLetterReasons(service, "thelook.ingest.error")).size() < 5) {
                    assertThat(System.nanoTime()).as("the malformed messages reach the dead-letter topic").isLessThan(deadline);
                    Thread.sleep(200);
                }
                assertThat(handled(ingest)).isGreaterThanOrEqualTo(published + 5);
            }
            List<String> reasons = BackfillWindowAndFollowTest.deadLetterReasons(service, "thelook.ingest.error");
            assertThat(new java.util.HashSet<>(reasons)).as("each malformed message, with its reason, and nothing else").hasSize(5);
            assertThat(String.join("\n", reasons)).contains("events: the body is not JSON")
                    .contains("users: column id: cannot read 'abc' as INT64").contains("unknown table 'refunds'")
                    .contains("orders: the primary key order_id is missing").contains("events: column created_at: cannot read 'yesterday'");
        }
    }

    @Test
    void messagesNackedOrLeftToExpireAreDeliveredAgainAndTheMartsEqualTheOracle() throws Exception {
        Path snapshot = tmp.resolve("snapshot");
        new TheLookGenerator(60, 21).writeCsv(snapshot);
        List<List<Message>> units = messagesFor(snapshot, new Random(8), false);
        try (PubSubEmulator emulator = PubSubEmulator.start(tmp.resolve("emulator"));
             MartsService service = MartsService.start(service(tmp.resolve("state")), new JobListener() {})) {
            String subscription = emulator.createSubscription(PROJECT, "thelook-live", "thelook-ingest", 10, false);
            long published = publish(emulator, units);
            // Another consumer of the subscription takes messages first: it nacks half (a deadline of 0: delivered
            // again at once) and leaves the rest without an answer (delivered again once the 10 s deadline passes).
            // Those rows reach Kafka only through a redelivery.
            int nacked = 0;
            int abandoned = 0;
            try (PubSubAccess access = PubSubAccess.of(emulator.hostPort(), null);
                 com.google.cloud.pubsub.v1.stub.SubscriberStub pull = com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub.create(
                         com.google.cloud.pubsub.v1.stub.SubscriberStubSettings.newBuilder()
                                 .setTransportChannelProvider(access.channels()).setCredentialsProvider(access.credentials()).build())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (nacked + abandoned < 300 && System.nanoTime() < deadline) {
                    var pulled = pull.pullCallable().call(com.google.pubsub.v1.PullRequest.newBuilder().setSubscription(subscription)
                            .setMaxMessages(100).build()).getReceivedMessagesList();
                    List<String> toNack = new ArrayList<>();
                    for (int i = 0; i < pulled.size(); i++) {
                        if (i % 2 == 0) {
                            toNack.add(pulled.get(i).getAckId());
                        } else {
                            abandoned++;
                        }
                    }
                    if (!toNack.isEmpty()) {
                        pull.modifyAckDeadlineCallable().call(com.google.pubsub.v1.ModifyAckDeadlineRequest.newBuilder()
                                .setSubscription(subscription).addAllAckIds(toNack).setAckDeadlineSeconds(0).build());
                        nacked += toNack.size();
                    }
                }
            }
            assertThat(nacked).as("messages nacked").isPositive();
            assertThat(abandoned).as("messages left to expire").isPositive();
            var options = new IngestService.Options(service.clients(), service.registry(), TopicNames.defaults(),
                    new PubSubIngest.Settings(subscription, 1000, 10L << 20), emulator.hostPort(), null, -1);
            try (IngestService ingest = IngestService.start(options, new JobListener() {})) {
                awaitMartsEqualTheOracle(service, snapshot, Duration.ofMinutes(2));
                assertThat(handled(ingest)).isGreaterThanOrEqualTo(published);
            }
        }
    }

    @Test
    void anIngestKilledWithMessagesInFlightAndRestartedLeavesTheMartsEqual() throws Exception {
        Path snapshot = tmp.resolve("snapshot");
        new TheLookGenerator(40, 12).writeCsv(snapshot);
        List<List<Message>> units = messagesFor(snapshot, new Random(6), false);
        int kafkaPort = ApicurioRegistry.freePort();
        int registryPort = ApicurioRegistry.freePort();
        try (PubSubEmulator emulator = PubSubEmulator.start(tmp.resolve("emulator"));
             MartsService service = MartsService.start(service(tmp.resolve("state"), kafkaPort, registryPort), new JobListener() {})) {
            // Two subscriptions to the topic, both there before the publishing: the killed process reads the first, the
            // restarted one the second, where every message is delivered again (those the killed process had produced, or
            // had in flight, too). That is what a restart on one subscription comes to once the dead one's leases expire,
            // without the emulator's part in it: after a subscriber was killed, the emulator (0.8.20) handed the leased
            // messages to the next one in bursts a minute apart, and after a seek it fed the new stream about 1,000
            // messages and then stalled it until the client restarted it; the test then timed out in CI (docs/ingest.md).
            // Unordered, with rows that have one version each (duplicates aside): the other test checks order.
            String killed = emulator.createSubscription(PROJECT, "thelook-live", "thelook-ingest", 10, false);
            String restarted = emulator.createSubscription(PROJECT, "thelook-live", "thelook-ingest-again", 10, false);
            try (ChildJvm first = ChildJvm.start(tmp.resolve("ingest-1.log"), ingestArgs(killed, emulator, kafkaPort, registryPort))) {
                first.awaitOutput("Running", Duration.ofMinutes(2));
                publish(emulator, units);
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (service.inputRecordsRead() < 50) { // some rows through, most still to come
                    assertThat(System.nanoTime()).as("ingest produced rows").isLessThan(deadline);
                    Thread.sleep(20);
                }
                first.kill();
            }
            try (ChildJvm second = ChildJvm.start(tmp.resolve("ingest-2.log"), ingestArgs(restarted, emulator, kafkaPort, registryPort))) {
                second.awaitOutput("Running", Duration.ofMinutes(2));
                try {
                    awaitMartsEqualTheOracle(service, snapshot, Duration.ofMinutes(3));
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + "\nthe restarted ingest's output:\n" + second.output(), e);
                }
                assertThat(second.terminate(Duration.ofSeconds(60))).as("a clean stop").isZero();
                assertThat(second.output()).contains("stopped cleanly");
            }
        }
    }

    private static String[] ingestArgs(String subscription, PubSubEmulator emulator, int kafkaPort, int registryPort) {
        return new String[] {"ingest", "pubsub", "--subscription", subscription, "--emulator", emulator.hostPort(),
            "--bootstrap-servers", "localhost:" + kafkaPort, "--schema-registry-url", "http://localhost:" + registryPort, "--port", "-1"};
    }

    /** Polls until the marts equal the oracle over {@code snapshot}; fails with the differences at the deadline. */
    static void awaitMartsEqualTheOracle(MartsService service, Path snapshot, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path dir = Files.createTempDirectory("thelook-marts-");
        try {
            awaitEqual(service, snapshot, deadline, dir);
        } finally {
            org.apache.kafka.common.utils.Utils.delete(dir.toFile());
        }
    }

    private static void awaitEqual(MartsService service, Path snapshot, long deadline, Path dir) throws Exception {
        while (true) {
            service.app().checkHealthy();
            if (service.lag().caughtUp()) {
                service.app().writeMartCsvs(dir);
                MartComparison.Result result = MartComparison.compare(snapshot, dir);
                if (result.differences().isEmpty()) {
                    return;
                }
                assertThat(System.nanoTime()).as("the marts equal the oracle in time: %s", result).isLessThan(deadline);
            }
            assertThat(System.nanoTime()).as("caught up in time").isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static long handled(IngestService ingest) {
        var meters = ingest.meters();
        return (long) (meters.find("thelook.ingest.produced").counters().stream().mapToDouble(c -> c.count()).sum()
                + meters.get("thelook.ingest.dead.letters").counter().count());
    }

    private static MartsService.Options service(Path state) {
        return service(state, ApicurioRegistry.freePort(), ApicurioRegistry.freePort());
    }

    private static MartsService.Options service(Path state, int kafkaPort, int registryPort) {
        return new MartsService.Options(new KafkaClients(null, Map.of()), new RegistrySettings(null, Map.of()), TopicNames.defaults(),
                "thelook-streams", state, StoreKind.MEMORY, 2, 0, null, 100, kafkaPort, registryPort, null, OnError.FAIL,
                Duration.ofMinutes(2), null, SinkOptions.none(), null);
    }

    /** Publishes every unit's messages in order (units shuffled: the tables' rows interleave); returns the count. */
    private static long publish(PubSubEmulator emulator, List<List<Message>> units) throws Exception {
        long n = 0;
        try (PubSubAccess access = PubSubAccess.of(emulator.hostPort(), null);
             RowPublisher publisher = new RowPublisher("projects/" + PROJECT + "/topics/thelook-live", access)) {
            for (List<Message> unit : units) {
                for (Message m : unit) {
                    publisher.publish(m.table(), m.key(), m.columns(), m.delete());
                    n++;
                }
            }
            publisher.close(Duration.ofMinutes(3)); // a loaded emulator took over 15 s for 4,700 messages in CI
            assertThat(publisher.failed()).as("messages Pub/Sub did not take").isZero();
        }
        return n;
    }

    /**
     * The snapshot's rows as messages (CSV text as JSON strings, numbers as JSON numbers for some), each key's
     * messages in a unit published in order: a tenth sent twice and, with {@code versions}, a tenth of the orders and
     * items first in an earlier version (Processing, no later timestamps), and extra events and users that are then
     * deleted.
     */
    private static List<List<Message>> messagesFor(Path snapshot, Random random, boolean versions) throws Exception {
        List<List<Message>> units = new ArrayList<>();
        for (TheLookTable table : TheLookTable.values()) {
            Path csv = snapshot.resolve(table.tableName() + ".csv");
            if (!Files.exists(csv)) {
                continue;
            }
            try (CSVParser parser = CSVParser.parse(csv, StandardCharsets.UTF_8,
                    CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build())) {
                for (CSVRecord r : parser) {
                    Map<String, Object> columns = new LinkedHashMap<>();
                    for (String column : parser.getHeaderNames()) {
                        String v = r.get(column);
                        if (!v.isEmpty()) {
                            columns.put(column, column.equals(table.primaryKey()) && random.nextBoolean() ? Long.parseLong(v) : v);
                        }
                    }
                    long key = Long.parseLong(r.get(table.primaryKey()));
                    List<Message> unit = new ArrayList<>();
                    boolean hasLifecycle = table == TheLookTable.ORDERS || table == TheLookTable.ORDER_ITEMS;
                    if (versions && hasLifecycle && random.nextInt(10) == 0) {
                        Map<String, Object> earlier = new LinkedHashMap<>(columns);
                        earlier.put("status", "Processing");
                        earlier.remove("shipped_at");
                        earlier.remove("delivered_at");
                        earlier.remove("returned_at");
                        unit.add(new Message(table, key, earlier, false));
                    }
                    unit.add(new Message(table, key, columns, false));
                    if (random.nextInt(10) == 0) {
                        unit.add(new Message(table, key, columns, false));
                    }
                    units.add(unit);
                }
            }
        }
        for (int i = 0; versions && i < 20; i++) { // rows that exist for a while, then are deleted
            long event = 900_000 + i;
            units.add(List.of(new Message(TheLookTable.EVENTS, event, Map.of("id", event, "user_id", 1, "session_id", "gone",
                    "created_at", "2024-02-01 10:00:00", "uri", "/product/3", "event_type", "product"), false),
                    new Message(TheLookTable.EVENTS, event, Map.of(), true)));
            long user = 800_000 + i;
            units.add(List.of(new Message(TheLookTable.USERS, user, Map.of("id", user, "created_at", "2024-02-01 10:00:00"), false),
                    new Message(TheLookTable.USERS, user, Map.of(), true)));
        }
        Collections.shuffle(units, random);
        return units;
    }
}
