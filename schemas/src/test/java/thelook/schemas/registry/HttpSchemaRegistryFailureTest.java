package thelook.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.schemas.testing.RegistryProxy;

/** Failover, retries and auth of the HTTP client, against the real registry behind a proxy that can fail. */
class HttpSchemaRegistryFailureTest {
    private static final String REAL = ApicurioRegistry.shared().url();

    private static HttpSchemaRegistry client(String urls, Map<String, Object> extra) {
        var config = new java.util.HashMap<String, Object>(Map.of(RegistryConfig.URL, urls,
                RegistryConfig.RETRIES_WAIT_MS, 10, RegistryConfig.RETRIES_MAX_WAIT_MS, 40));
        config.putAll(extra);
        return new HttpSchemaRegistry(RegistryConfig.from(config));
    }

    @Test
    void failsOverToTheNextUrlWhenOneRefusesConnections() {
        String dead = "http://localhost:" + ApicurioRegistry.freePort() + "/apis/ccompat/v7";
        HttpSchemaRegistry registry = client(dead + "," + REAL, Map.of());

        String subject = ApicurioRegistry.uniqueSubject("failover-value");
        int id = registry.register(subject, SchemaRegistryContractTest.V1);

        assertThat(registry.schemaById(id)).isEqualTo(SchemaRegistryContractTest.V1);
    }

    @Test
    void retries5xxWithBackoffThenSucceeds() {
        try (RegistryProxy proxy = new RegistryProxy(REAL)) {
            HttpSchemaRegistry registry = client(proxy.url(), Map.of(RegistryConfig.MAX_RETRIES, 3));
            proxy.failNext(2);

            assertThat(registry.subjects()).isNotNull();
            assertThat(proxy.requests()).isEqualTo(3);
        }
    }

    @Test
    void neverRetriesA4xxAndKeepsTheRegistrysErrorCode() {
        try (RegistryProxy proxy = new RegistryProxy(REAL)) {
            HttpSchemaRegistry registry = client(proxy.url(), Map.of(RegistryConfig.MAX_RETRIES, 5));

            assertThatThrownBy(() -> registry.latest(ApicurioRegistry.uniqueSubject("missing")))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e).isNotInstanceOf(RegistryUnavailableException.class);
                        assertThat(e.errorCode()).isEqualTo(RegistryException.SUBJECT_NOT_FOUND);
                        assertThat(e.getMessage()).contains("missing").contains("40401");
                    });
            assertThat(proxy.requests()).isEqualTo(1);
        }
    }

    @Test
    void givesUpAfterTheConfiguredRetriesWithAMessageNamingTheRegistry() {
        try (RegistryProxy proxy = new RegistryProxy(REAL)) {
            proxy.beUnavailable();
            HttpSchemaRegistry registry = client(proxy.url(), Map.of(RegistryConfig.MAX_RETRIES, 2));

            assertThatThrownBy(registry::subjects).isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining(proxy.url()).hasMessageContaining("3 attempt(s)").hasMessageContaining("HTTP 503");
            assertThat(proxy.requests()).isEqualTo(3);
        }
    }

    @Test
    void sendsBasicAuthFromUserInfoAndBearerTokens() {
        try (RegistryProxy proxy = new RegistryProxy(REAL)) {
            client(proxy.url(), Map.of(RegistryConfig.BASIC_AUTH_SOURCE, "USER_INFO",
                    RegistryConfig.BASIC_AUTH_USER_INFO, "key:secret")).subjects();
            client(proxy.url(), Map.of(RegistryConfig.BEARER_AUTH_SOURCE, "STATIC_TOKEN",
                    RegistryConfig.BEARER_AUTH_TOKEN, "t0ken")).subjects();

            assertThat(proxy.authorizations()).containsExactly("Basic a2V5OnNlY3JldA==", "Bearer t0ken");
        }
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        HttpSchemaRegistry registry = new HttpSchemaRegistry(RegistryConfig.from(Map.of(RegistryConfig.URL, REAL)));
        assertThat(registry.backoffMillis(0)).isEqualTo(1000);
        assertThat(registry.backoffMillis(2)).isEqualTo(4000);
        assertThat(registry.backoffMillis(10)).isEqualTo(20_000);
        assertThat(registry.backoffMillis(100)).isEqualTo(20_000);
    }
}
