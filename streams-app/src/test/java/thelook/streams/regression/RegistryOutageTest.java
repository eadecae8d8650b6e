package thelook.streams.regression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.backfill.generate.TheLookGenerator;
import thelook.schemas.TopicSerdes;
import thelook.schemas.registry.CachingSchemaRegistry;
import thelook.schemas.registry.RegistryConfig;
import thelook.schemas.registry.SerdeSettings;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.schemas.testing.RegistryProxy;
import thelook.streams.app.RegistrySettings;
import thelook.streams.names.TopicNames;

/**
 * The registry goes away mid-stream (connections refused) while the topology meets schema ids it has not
 * seen: processing waits, resumes when the registry is back, and nothing is lost or sent to the DLQ.
 * A real registry (Apicurio) behind a proxy that the test stops and restarts.
 */
class RegistryOutageTest {
    @TempDir
    Path tmp;

    @Test
    void processingPausesWhileTheRegistryIsAwayAndResumesWithNothingLost() throws Exception {
        Path input = tmp.resolve("input");
        new TheLookGenerator(150, 11).writeCsv(input);
        String prefix = "outage-" + UUID.randomUUID().toString().substring(0, 6) + ".";
        TopicNames topics = new TopicNames(prefix);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (RegistryProxy proxy = new RegistryProxy(ApicurioRegistry.shared().url())) {
            // the producer side talks to the registry directly; the topology only through the proxy
            var producerSide = new RegistrySettings(ApicurioRegistry.shared().url(), Map.of());
            TopicSerdes producerSerdes = producerSide.serdes(false);
            producerSerdes.prepareSubjects(RegistrySettings.projectTopics(topics));
            List<ReplayRecords.Raw> records = ReplayRecords.plan(input, producerSerdes, prefix);

            RegistryConfig viaProxy = RegistryConfig.from(Map.of(RegistryConfig.URL, proxy.url(),
                    RegistryConfig.RETRIES_WAIT_MS, 50, RegistryConfig.RETRIES_MAX_WAIT_MS, 200)).withMaxRetries(Integer.MAX_VALUE);
            TopicSerdes topologySerdes = TopicSerdes.withRegistry(CachingSchemaRegistry.forConfig(viaProxy),
                    SerdeSettings.from(Map.of()));
            try (DriverHarness harness = new DriverHarness(tmp.resolve("state"), topics, topologySerdes)) {
                harness.pipe(records.subList(0, 10)); // learns some schema ids while the registry is there
                proxy.stopListening();
                int requestsWhenDown = proxy.requests();
                scheduler.schedule(proxy::listen, 2, TimeUnit.SECONDS);

                long started = System.nanoTime();
                harness.pipe(records.subList(10, records.size())); // blocks on the first unseen id until the proxy is back

                assertThat((System.nanoTime() - started) / 1e9).as("waited for the registry").isGreaterThan(1.5);
                assertThat(proxy.requests()).as("asked again once it was back").isGreaterThan(requestsWhenDown);
                assertThat(harness.driver().createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer()).readRecordsToList()).as("dead letters").isEmpty();
                MartComparison.Result result = MartComparison.compare(input, harness.writeMarts(tmp.resolve("marts")));
                assertThat(result.differences()).as(result.toString()).isEmpty();
            }
        } finally {
            scheduler.shutdownNow();
        }
    }
}
