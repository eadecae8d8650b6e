package thelook.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryConfigTest {
    @Test
    void readsConfluentNamesWithOrWithoutTheSchemaRegistryPrefix() {
        RegistryConfig c = RegistryConfig.from(Map.of("schema.registry.url", "https://a.example/, https://b.example",
                "schema.registry.basic.auth.user.info", "u:p", "max.retries", "7"));

        assertThat(c.urls()).extracting(Object::toString).containsExactly("https://a.example", "https://b.example");
        assertThat(c.authorization()).isEqualTo("Basic dTpw");
        assertThat(c.maxRetries()).isEqualTo(7);
        assertThat(c.mockScope()).isNull();
    }

    @Test
    void takesBasicAuthFromTheUrlWhenAskedTo() {
        RegistryConfig c = RegistryConfig.from(Map.of("schema.registry.url", "http://u:p@reg:8081",
                "basic.auth.credentials.source", "URL"));
        assertThat(c.authorization()).isEqualTo("Basic dTpw");
    }

    @Test
    void mockUrlsNameTheirScope() {
        assertThat(RegistryConfig.from(Map.of("schema.registry.url", "mock://replay-1")).mockScope()).isEqualTo("replay-1");
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> RegistryConfig.from(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> RegistryConfig.from(Map.of("schema.registry.url", "ftp://x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ftp://x");
        assertThatThrownBy(() -> RegistryConfig.from(Map.of("schema.registry.url", "http://x", "basic.auth.user.info", "nocolon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("basic.auth.user.info");
        assertThatThrownBy(() -> RegistryConfig.from(Map.of("schema.registry.url", "http://x", "max.retries", "many")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max.retries");
        assertThatThrownBy(() -> SerdeSettings.from(Map.of("value.subject.name.strategy", "Nope")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("value.subject.name.strategy");
    }
}
