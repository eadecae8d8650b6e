package thelook.streams.regression;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import thelook.backfill.source.OnError;
import thelook.backfill.plan.PlannedRecord;
import thelook.backfill.plan.ReplayPlan;
import thelook.schemas.TheLookTable;
import thelook.schemas.TopicSerdes;

/** A replay as a list of raw topic records, and the delivery orders the regression suite tries. */
final class ReplayRecords {
    /** One record of an input topic; a null value is a tombstone. */
    record Raw(TheLookTable table, long key, byte[] value) {}

    private ReplayRecords() {}

    static List<Raw> plan(Path csvDir) {
        return plan(csvDir, TestSerdes.REGISTRY, TheLookTable.DEFAULT_TOPIC_PREFIX);
    }

    static List<Raw> plan(Path csvDir, TopicSerdes serdes, String topicPrefix) {
        List<Raw> out = new ArrayList<>();
        try (ReplayPlan plan = ReplayPlan.fromCsvDirectory(csvDir, serdes, topicPrefix, OnError.FAIL, null)) {
            for (PlannedRecord r : plan) {
                out.add(new Raw(r.table(), r.key(), r.value()));
            }
        }
        return out;
    }

    /**
     * A random interleaving of all records across topics and keys in which each key's own versions keep
     * their order (as Kafka guarantees per partition): every record draws a random time, and each key's
     * versions take that key's drawn times in ascending order.
     */
    static List<Raw> shuffleAcrossTopics(List<Raw> records, long seed) {
        Random random = new Random(seed);
        Map<String, List<Double>> drawsPerKey = new HashMap<>();
        List<String> keys = new ArrayList<>(records.size());
        for (Raw r : records) {
            String k = r.table() + ":" + r.key();
            keys.add(k);
            drawsPerKey.computeIfAbsent(k, x -> new ArrayList<>()).add(random.nextDouble());
        }
        drawsPerKey.values().forEach(l -> l.sort(null));
        Map<String, Integer> used = new HashMap<>();
        List<Map.Entry<Double, Raw>> timed = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            String k = keys.get(i);
            int n = used.merge(k, 1, Integer::sum) - 1;
            timed.add(Map.entry(drawsPerKey.get(k).get(n), records.get(i)));
        }
        timed.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        return timed.stream().map(Map.Entry::getValue).toList();
    }

    /** Every record delivered twice in a row with probability {@code rate} (a producer retry, a replayed batch). */
    static List<Raw> withDuplicates(List<Raw> records, double rate, long seed) {
        Random random = new Random(seed);
        List<Raw> out = new ArrayList<>(records.size() * 2);
        for (Raw r : records) {
            out.add(r);
            if (random.nextDouble() < rate) {
                out.add(r);
            }
        }
        return out;
    }
}
