package thelook.streams.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import thelook.schemas.registry.CompatibilityLevel;
import thelook.schemas.registry.HttpSchemaRegistry;
import thelook.schemas.registry.RegistryConfig;
import thelook.schemas.registry.RegistryException;
import thelook.schemas.registry.SchemaRegistry;
import thelook.schemas.testing.ApicurioRegistry;

/**
 * The embedded registry answers the project's HTTP client as a Confluent registry does, and a restart
 * from its journal gives every schema its old id back (records in Kafka carry those ids).
 */
class EmbeddedRegistryTest {
    static final Schema V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Probe","namespace":"thelook.test","fields":[{"name":"id","type":"long"}]}""");
    static final Schema V2 = new Schema.Parser().parse("""
            {"type":"record","name":"Probe","namespace":"thelook.test","fields":[{"name":"id","type":"long"},
             {"name":"note","type":["null","string"],"default":null}]}""");
    static final Schema INCOMPATIBLE = new Schema.Parser().parse("""
            {"type":"record","name":"Probe","namespace":"thelook.test","fields":[{"name":"id","type":"long"},
             {"name":"note","type":"string"}]}""");
    static final Schema OTHER = new Schema.Parser().parse("""
            {"type":"record","name":"Other","namespace":"thelook.test","fields":[{"name":"x","type":"int"}]}""");

    @TempDir
    Path tmp;

    @Test
    void servesTheConfluentApiAndKeepsIdsAcrossARestart() {
        Path journal = tmp.resolve("schema-registry.jsonl");
        int port = ApicurioRegistry.freePort();
        int v1, v2, other;
        try (EmbeddedRegistry registry = EmbeddedRegistry.start(journal, port)) {
            SchemaRegistry client = client(registry.url());
            v1 = client.register("probe-value", V1);
            v2 = client.register("probe-value", V2);
            other = client.register("other-value", OTHER);
            assertThat(client.register("probe-value", V1)).as("registering again").isEqualTo(v1);
            assertThat(client.schemaById(v2)).isEqualTo(V2);
            assertThat(client.lookup("probe-value", V1).version()).isEqualTo(1);
            assertThat(client.latest("probe-value").id()).isEqualTo(v2);
            assertThat(client.version("probe-value", 1).id()).isEqualTo(v1);
            assertThat(client.versions("probe-value")).containsExactly(1, 2);
            assertThat(client.subjects()).containsExactlyInAnyOrder("probe-value", "other-value");
            assertThat(client.isCompatible("probe-value", INCOMPATIBLE)).isFalse();
            assertThatThrownBy(() -> client.register("probe-value", INCOMPATIBLE))
                    .isInstanceOf(RegistryException.class).hasMessageContaining("409");
            assertThatThrownBy(() -> client.latest("nope-value"))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
            assertThatThrownBy(() -> client.schemaById(999))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
            client.setCompatibility("other-value", CompatibilityLevel.NONE);
            assertThat(client.compatibility("other-value")).isEqualTo(CompatibilityLevel.NONE);
            assertThat(client.compatibility("probe-value")).isEqualTo(CompatibilityLevel.BACKWARD);
        }

        try (EmbeddedRegistry restarted = EmbeddedRegistry.start(journal, port)) {
            SchemaRegistry client = client(restarted.url());
            assertThat(client.schemaById(v1)).isEqualTo(V1);
            assertThat(client.schemaById(v2)).isEqualTo(V2);
            assertThat(client.lookup("other-value", OTHER).id()).isEqualTo(other);
            assertThat(client.compatibility("other-value")).isEqualTo(CompatibilityLevel.NONE);
            assertThat(client.register("probe-value", V2)).isEqualTo(v2);
        }
    }

    @Test
    void aDamagedJournalIsRefusedNamingTheLine() throws Exception {
        Path journal = Files.writeString(tmp.resolve("schema-registry.jsonl"), "{\"subject\":\"a-value\",\"schema\":\"{\\\"type\\\":\\\"int\\\"}\"}\n{\"subj");
        assertThatThrownBy(() -> EmbeddedRegistry.start(journal, ApicurioRegistry.freePort()))
                .hasMessageContaining("schema-registry.jsonl line 2");
    }

    private static SchemaRegistry client(String url) {
        return new HttpSchemaRegistry(RegistryConfig.from(Map.of(RegistryConfig.URL, url)));
    }
}
