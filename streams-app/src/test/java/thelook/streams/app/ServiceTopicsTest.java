package thelook.streams.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import thelook.streams.embedded.EmbeddedKafka;
import thelook.streams.names.TopicNames;

/** The service's topics share one partition count: adopted when they exist, refused when they disagree. */
class ServiceTopicsTest {
    @Test
    void adoptsCreatesAndRefuses() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null);
             Admin admin = new KafkaClients(kafka.bootstrapServers(), Map.of()).admin()) {
            TopicNames fresh = new TopicNames("fresh.");
            assertThat(ServiceTopics.ensure(admin, fresh, null)).isEqualTo(ServiceTopics.DEFAULT_PARTITIONS);
            assertThat(partitions(admin, "fresh.users")).isEqualTo(ServiceTopics.DEFAULT_PARTITIONS);
            assertThat(partitions(admin, "fresh.mart.dim_customer_metrics")).isEqualTo(ServiceTopics.DEFAULT_PARTITIONS);
            assertThat(partitions(admin, "fresh.dlq")).isEqualTo(1);

            TopicNames existing = new TopicNames("three.");
            admin.createTopics(List.of(new NewTopic("three.users", Optional.of(3), Optional.empty()))).all().get();
            partitions(admin, "three.users");
            assertThat(ServiceTopics.ensure(admin, existing, null)).as("an existing count is adopted").isEqualTo(3);
            assertThat(partitions(admin, "three.events")).isEqualTo(3);
            assertThatThrownBy(() -> ServiceTopics.ensure(admin, existing, 4))
                    .hasMessageContaining("--partitions 4").hasMessageContaining("have 3");

            TopicNames mixed = new TopicNames("mixed.");
            admin.createTopics(List.of(new NewTopic("mixed.users", Optional.of(2), Optional.empty()),
                    new NewTopic("mixed.orders", Optional.of(5), Optional.empty()))).all().get();
            partitions(admin, "mixed.users");
            partitions(admin, "mixed.orders");
            assertThatThrownBy(() -> ServiceTopics.ensure(admin, mixed, null))
                    .hasMessageContaining("mixed.orders=5").hasMessageContaining("mixed.users=2");
        }
    }

    /** A topic's partition count once the broker's metadata shows it (it lags the controller's by a moment). */
    private static int partitions(Admin admin, String topic) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) || attempt > 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
