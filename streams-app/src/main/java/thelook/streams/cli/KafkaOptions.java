package thelook.streams.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import thelook.schemas.TheLookTable;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.RegistrySettings;
import thelook.streams.names.TopicNames;

/** Where Kafka and the Schema Registry are, and how to talk to them: the same options on every command. */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", description = "Kafka to use (host:port,...); default: an embedded single-node broker.")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "KEY=VALUE", description = "A Kafka client setting for every producer,"
            + " consumer, admin and Kafka Streams client, e.g. security.protocol=SASL_SSL, sasl.mechanism=PLAIN,"
            + " sasl.jaas.config=... Repeatable; wins over --kafka-config-file. Values are never printed.")
    Map<String, String> kafkaConfig = new LinkedHashMap<>();

    @Option(names = "--kafka-config-file", paramLabel = "FILE", description = "A Kafka client properties file (as Kafka's"
            + " own tools take with --command-config), e.g. the one Confluent Cloud gives for a cluster.")
    Path kafkaConfigFile;

    @Option(names = "--schema-registry-url", description = "Confluent-compatible Schema Registry URL(s), comma-separated;"
            + " required with --bootstrap-servers (mock://<name> opts out).")
    String schemaRegistryUrl;

    @Option(names = "--schema-registry-config", paramLabel = "KEY=VALUE", description = "A Confluent registry client or"
            + " serde setting, e.g. basic.auth.user.info=KEY:SECRET, bearer.auth.token=T, auto.register.schemas=false,"
            + " value.subject.name.strategy=RecordNameStrategy, max.retries=3. Repeatable.")
    Map<String, String> schemaRegistryConfig = new LinkedHashMap<>();

    @Option(names = "--topic-prefix", defaultValue = TheLookTable.DEFAULT_TOPIC_PREFIX,
            description = "Prefix of every topic (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    /** Where {@code run} without a cluster listens by default: what {@code backfill} and {@code sink} use when told nothing. */
    static final String LOCAL_KAFKA = "localhost:9092";
    static final String LOCAL_REGISTRY = "http://localhost:8081";

    /** The cluster named, else the local {@code run}'s. */
    KafkaClients clientsOrLocal() {
        KafkaClients clients = clients();
        return clients.hasBootstrap() ? clients : clients.withBootstrap(LOCAL_KAFKA);
    }

    /** The registry named; else, when no cluster is named either, the local {@code run}'s. */
    RegistrySettings registryOrLocal() {
        RegistrySettings registry = registry();
        return bootstrapServers == null && registry.url() == null ? new RegistrySettings(LOCAL_REGISTRY, registry.config()) : registry;
    }

    KafkaClients clients() {
        return KafkaClients.of(bootstrapServers, kafkaConfigFile, kafkaConfig);
    }

    TopicNames topicNames() {
        return new TopicNames(topicPrefix);
    }

    RegistrySettings registry() {
        return new RegistrySettings(schemaRegistryUrl, schemaRegistryConfig);
    }
}
