package thelook.streams.app;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
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
    private static final java.time.Duration VISIBLE_WITHIN = java.time.Duration.ofSeconds(30);

    /**
     * Mart topics are compacted and stamped with the broker's append time, so a record's timestamp says
     * when the mart change reached the topic: what the sinks measure their latency from.
     */
    public static final Map<String, String> MART_CONFIGS = Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
            TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");

    private ServiceTopics() {}

    /**
     * Creates what is missing and returns the partition count in force.
     *
     * @param requested the user's {@code --partitions}, or null for "whatever the existing topics have, else the default"
     */
    public static int ensure(Admin admin, TopicNames topics, Integer requested) {
        List<String> keyed = new ArrayList<>(Topics.inputTopics(topics.prefix()));
        keyed.addAll(topics.marts());
        Map<String, Integer> existing = partitionCounts(admin, keyed);
        int partitions = existing.isEmpty() ? (requested != null ? requested : DEFAULT_PARTITIONS)
                : agreed(existing, requested);
        Topics.ensure(admin, Topics.inputTopics(topics.prefix()), partitions, Topics.COMPACTED);
        Topics.ensure(admin, topics.marts(), partitions, MART_CONFIGS);
        Topics.ensure(admin, List.of(topics.deadLetters()), 1, Map.of());
        Topics.ensure(admin, List.of(topics.customerTierThresholds()), 1, MART_CONFIGS); // one key: one partition
        // the global store's thread fails at once on a topic its metadata does not show yet: wait until every topic is seen
        awaitVisible(admin, List.of(topics.customerTierThresholds(), topics.deadLetters()));
        // again, now that all exist: a topic someone else created meanwhile (or that metadata had not shown yet) counts too
        return agreed(partitionCounts(admin, keyed), partitions);
    }

    private static void awaitVisible(Admin admin, List<String> names) {
        long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
        while (partitionCounts(admin, names).size() < names.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("created " + names + " but the cluster's metadata did not show them within "
                        + VISIBLE_WITHIN.toSeconds() + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics " + names, e);
            }
        }
    }

    private static int agreed(Map<String, Integer> existing, Integer requested) {
        Set<Integer> counts = Set.copyOf(existing.values());
        if (counts.size() > 1) {
            throw new IllegalStateException("these topics have different partition counts, but the topology needs one count"
                    + " on every topic it reads: " + existing + "; recreate the odd ones or choose another --topic-prefix");
        }
        int partitions = counts.iterator().next();
        if (requested != null && requested != partitions) {
            throw new IllegalStateException("--partitions " + requested + " but the existing topics " + existing.keySet().iterator().next()
                    + " and others have " + partitions + "; leave --partitions out to use them, or choose another --topic-prefix");
        }
        return partitions;
    }

    /** Partition count of each of {@code names} that exists (asked of each topic, not of a possibly stale listing). */
    private static Map<String, Integer> partitionCounts(Admin admin, List<String> names) {
        Map<String, Integer> out = new TreeMap<>();
        try {
            for (var e : admin.describeTopics(names).topicNameValues().entrySet()) {
                try {
                    out.put(e.getKey(), e.getValue().get().partitions().size());
                } catch (ExecutionException missing) {
                    if (!(missing.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw new IllegalStateException("cannot describe topic " + e.getKey() + ": " + missing.getCause().getMessage(),
                                missing.getCause());
                    }
                }
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics", e);
        }
    }
}
