package thelook.streams.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import thelook.backfill.kafka.Topics;
import thelook.streams.names.TopicNames;

/**
 * The topics a long-running service and its backfills share: inputs and marts (compacted) and the DLQ.
 * The topology places every key by the same hash on every topic it reads, so they must all have one
 * partition count: an existing set is adopted, a set that disagrees with itself or with an explicit
 * {@code --partitions} is refused, naming the topics.
 */
public final class ServiceTopics {
    public static final int DEFAULT_PARTITIONS = 2;

    private ServiceTopics() {}

    /**
     * Creates what is missing and returns the partition count in force.
     *
     * @param requested the user's {@code --partitions}, or null for "whatever the existing topics have, else the default"
     */
    public static int ensure(Admin admin, TopicNames topics, Integer requested) {
        List<String> keyed = new ArrayList<>(thelook.backfill.kafka.Topics.inputTopics(topics.prefix()));
        keyed.addAll(topics.marts());
        Map<String, Integer> existing = partitionCounts(admin, keyed);
        Set<Integer> counts = Set.copyOf(existing.values());
        if (counts.size() > 1) {
            throw new IllegalStateException("these topics have different partition counts, but the topology needs one count"
                    + " on every topic it reads: " + new TreeMap<>(existing) + "; recreate the odd ones or choose another --topic-prefix");
        }
        int partitions;
        if (counts.isEmpty()) {
            partitions = requested != null ? requested : DEFAULT_PARTITIONS;
        } else {
            partitions = counts.iterator().next();
            if (requested != null && requested != partitions) {
                throw new IllegalStateException("--partitions " + requested + " but the existing topics " + existing.keySet().stream()
                        .sorted().findFirst().orElseThrow() + " and others have " + partitions + "; leave --partitions out to use"
                        + " them, or choose another --topic-prefix");
            }
        }
        Topics.ensure(admin, keyed, partitions, Topics.COMPACTED);
        Topics.ensure(admin, List.of(topics.deadLetters()), 1, Map.of());
        return partitions;
    }

    private static Map<String, Integer> partitionCounts(Admin admin, List<String> names) {
        try {
            Set<String> all = admin.listTopics().names().get();
            List<String> present = names.stream().filter(all::contains).toList();
            Map<String, Integer> out = new TreeMap<>();
            if (!present.isEmpty()) {
                admin.describeTopics(present).allTopicNames().get().forEach((n, d) -> out.put(n, d.partitions().size()));
            }
            return out;
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list the topics: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing topics", e);
        }
    }
}
