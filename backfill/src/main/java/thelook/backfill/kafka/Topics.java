package thelook.backfill.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import thelook.schemas.TheLookTable;

/** Creates this project's topics when absent. Inputs and marts are changelogs, so they are compacted. */
public final class Topics {
    public static final Map<String, String> COMPACTED = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

    private Topics() {}

    public static List<String> inputTopics(String prefix) {
        List<String> topics = new ArrayList<>();
        for (TheLookTable t : TheLookTable.values()) {
            topics.add(t.topic(prefix));
        }
        return topics;
    }

    /** Creates the missing ones with {@code partitions} partitions and the cluster's replication factor. */
    public static void ensure(Admin admin, Collection<String> topics, int partitions, Map<String, String> configs) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty()).configs(configs))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get();
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topics " + topics + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }
}
