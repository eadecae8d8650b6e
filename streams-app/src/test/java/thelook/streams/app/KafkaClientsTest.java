package thelook.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientsTest {
    @TempDir
    Path tmp;

    @Test
    void optionsWinOverTheFileAndTheBootstrapOptionOverBoth() throws Exception {
        Path file = Files.writeString(tmp.resolve("client.properties"), """
                bootstrap.servers=pkc-1.example:9092
                security.protocol=SASL_SSL
                sasl.mechanism=PLAIN
                sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="K" password="S3CRET";
                """);
        KafkaClients fromFile = KafkaClients.of(null, file, Map.of("sasl.mechanism", "SCRAM-SHA-512"));
        assertThat(fromFile.bootstrapServers()).isEqualTo("pkc-1.example:9092");
        assertThat(fromFile.config()).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("bootstrap.servers", "pkc-1.example:9092");
        assertThat(KafkaClients.of("other:9092", file, Map.of()).bootstrapServers()).isEqualTo("other:9092");
        assertThat(fromFile.config(Map.of("linger.ms", 5, "security.protocol", "PLAINTEXT")))
                .as("a component's defaults stay under the user's settings")
                .containsEntry("linger.ms", 5).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void secretsNeverPrint() throws Exception {
        KafkaClients c = KafkaClients.of("b:9092", null, Map.of("sasl.jaas.config", "password=\"S3CRET\"",
                "ssl.keystore.password", "S3CRET", "ssl.key.password", "S3CRET", "basic.auth.user.info", "u:S3CRET",
                "client.id", "visible"));
        assertThat(c.describe()).doesNotContain("S3CRET").contains("client.id=visible").contains("sasl.jaas.config=*****");
        assertThat(c.toString()).doesNotContain("S3CRET");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> KafkaClients.of("b:9092", tmp.resolve("nope.properties"), Map.of()))
                .hasMessageContaining("--kafka-config-file").hasMessageContaining("nope.properties: no such file");
    }
}
