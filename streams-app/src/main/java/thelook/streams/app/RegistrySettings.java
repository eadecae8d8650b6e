package thelook.streams.app;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import thelook.avro.CrossSellKey;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;
import thelook.schemas.TopicSerdes.TopicSchemas;
import thelook.schemas.registry.CachingSchemaRegistry;
import thelook.schemas.registry.MockSchemaRegistry;
import thelook.schemas.registry.RegistryConfig;
import thelook.schemas.registry.SerdeSettings;
import thelook.streams.names.TopicNames;

/**
 * Where the schemas go: {@code --schema-registry-url} plus any Confluent client settings
 * ({@code --schema-registry-config basic.auth.user.info=KEY:SECRET}, ...).
 *
 * @param url    the registry URL(s), or null: an in-memory registry when Kafka is embedded too
 * @param config further Confluent client settings
 */
public record RegistrySettings(String url, Map<String, String> config) {

    public static RegistrySettings inMemory() {
        return new RegistrySettings(null, Map.of());
    }

    /**
     * The settings with a URL decided: the given one, or an in-memory scope for an embedded broker
     * (nothing outside this process reads its topics). A shared cluster needs a real registry, else
     * other consumers could not look up the schema ids in its records.
     */
    public RegistrySettings resolve(boolean embeddedKafka, String scope) {
        if (url != null && !url.isBlank()) {
            return this;
        }
        if (!embeddedKafka) {
            throw new IllegalArgumentException("--bootstrap-servers needs --schema-registry-url: the records carry schema ids"
                    + " that other consumers of that cluster must be able to look up (mock://<name> opts out)");
        }
        return new RegistrySettings("mock://" + scope, config);
    }

    public boolean inMemoryRegistry() {
        return url != null && url.startsWith("mock://");
    }

    /** Forgets an in-memory registry's schemas once the job that made it is done. */
    public void release() {
        if (inMemoryRegistry()) {
            MockSchemaRegistry.drop(RegistryConfig.from(clientConfig()).mockScope());
        }
    }

    public Map<String, Object> clientConfig() {
        Map<String, Object> c = new HashMap<>(config);
        c.put(RegistryConfig.URL, url);
        return c;
    }

    /**
     * Serdes for the inputs and marts. Without {@code waitForRegistry} the client gives up after the
     * configured retries ({@code max.retries}, default 3): start-up checks and planning. With it (the
     * running topology) it retries for as long as the registry is away: processing pauses and resumes.
     */
    public TopicSerdes serdes(boolean waitForRegistry) {
        RegistryConfig registry = RegistryConfig.from(clientConfig());
        if (waitForRegistry) {
            registry = registry.withMaxRetries(Integer.MAX_VALUE);
        }
        return TopicSerdes.withRegistry(CachingSchemaRegistry.forConfig(registry), SerdeSettings.from(clientConfig()));
    }

    /** Every topic of the project whose records other tools read, with its key and value schemas. */
    public static List<TopicSchemas> projectTopics(TopicNames topics) {
        List<TopicSchemas> out = new ArrayList<>();
        for (TheLookTable table : TheLookTable.values()) {
            out.add(new TopicSchemas(table.topic(topics.prefix()), null, table.recordClass()));
        }
        out.add(new TopicSchemas(topics.customerMetrics(), null, DimCustomerMetrics.class));
        out.add(new TopicSchemas(topics.productPerformance(), null, DimProductPerformance.class));
        out.add(new TopicSchemas(topics.crossSellCandidates(), CrossSellKey.class, FctCrossSellCandidates.class));
        out.add(new TopicSchemas(topics.customerTierThresholds(), null, thelook.avro.CustomerTierThresholds.class));
        return out;
    }
}
