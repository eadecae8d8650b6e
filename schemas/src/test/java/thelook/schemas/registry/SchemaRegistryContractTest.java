package thelook.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import thelook.schemas.testing.ApicurioRegistry;

/**
 * The registry calls behave the same against a real registry (Apicurio, Confluent API) and against the
 * in-memory {@code mock://} one, so that tests on the mock say something about production.
 */
class SchemaRegistryContractTest {
    static final Schema V1 = parse("""
            {"type":"record","name":"Probe","namespace":"thelook.test","fields":[{"name":"id","type":"long"}]}""");
    static final Schema V2_WITH_DEFAULT = parse("""
            {"type":"record","name":"Probe","namespace":"thelook.test","fields":[{"name":"id","type":"long"},
             {"name":"note","type":["null","string"],"default":null}]}""");
    static final Schema V2_WITHOUT_DEFAULT = parse("""
            {"type":"record","name":"Probe","namespace":"thelook.test","fields":[{"name":"id","type":"long"},
             {"name":"note","type":"string"}]}""");

    static Stream<Arguments> registries() {
        return Stream.of(
                Arguments.of("apicurio", CachingSchemaRegistry.forConfig(
                        Map.of(RegistryConfig.URL, ApicurioRegistry.shared().url()))),
                Arguments.of("mock", CachingSchemaRegistry.forConfig(Map.of(RegistryConfig.URL, "mock://contract"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registries")
    void registersLooksUpAndListsVersions(String name, SchemaRegistry registry) {
        String subject = ApicurioRegistry.uniqueSubject("probe-value");
        int id = registry.register(subject, V1);

        assertThat(registry.register(subject, V1)).as("registering again").isEqualTo(id);
        assertThat(registry.schemaById(id)).isEqualTo(V1);
        assertThat(registry.lookup(subject, V1).id()).isEqualTo(id);
        assertThat(registry.latest(subject)).satisfies(latest -> {
            assertThat(latest.version()).isEqualTo(1);
            assertThat(latest.id()).isEqualTo(id);
            assertThat(latest.schema()).isEqualTo(V1);
        });
        assertThat(registry.subjects()).contains(subject);

        int id2 = registry.register(subject, V2_WITH_DEFAULT);
        assertThat(id2).isNotEqualTo(id);
        assertThat(registry.versions(subject)).containsExactly(1, 2);
        assertThat(registry.version(subject, 1).schema()).isEqualTo(V1);
        assertThat(registry.version(subject, 2).schema()).isEqualTo(V2_WITH_DEFAULT); // latest() is cached a minute
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registries")
    void backwardCompatibilityAllowsAddedFieldsWithDefaultsOnly(String name, SchemaRegistry registry) {
        String subject = ApicurioRegistry.uniqueSubject("probe-value");
        registry.register(subject, V1);
        registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);

        assertThat(registry.compatibility(subject)).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(registry.isCompatible(subject, V2_WITH_DEFAULT)).isTrue();
        assertThat(registry.isCompatible(subject, V2_WITHOUT_DEFAULT)).isFalse();
        assertThatThrownBy(() -> registry.register(subject, V2_WITHOUT_DEFAULT))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(RegistryException.INCOMPATIBLE);
                    assertThat(e.getMessage()).containsIgnoringCase("incompatib").contains(subject);
                });
        assertThat(registry.versions(subject)).containsExactly(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registries")
    void unknownIdsSubjectsAndVersionsCarryTheRegistrysErrorCode(String name, SchemaRegistry registry) {
        String subject = ApicurioRegistry.uniqueSubject("nobody-value");
        assertThatThrownBy(() -> registry.schemaById(987_654)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(List.of(e.status(), e.errorCode())).containsExactly(404, RegistryException.SCHEMA_NOT_FOUND));
        assertThatThrownBy(() -> registry.latest(subject)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(List.of(e.status(), e.errorCode())).containsExactly(404, RegistryException.SUBJECT_NOT_FOUND));
        registry.register(subject, V1);
        assertThatThrownBy(() -> registry.version(subject, 7)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(List.of(e.status(), e.errorCode())).containsExactly(404, RegistryException.VERSION_NOT_FOUND));
        assertThatThrownBy(() -> registry.lookup(subject, V2_WITH_DEFAULT)).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.status()).isEqualTo(404));
    }

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
