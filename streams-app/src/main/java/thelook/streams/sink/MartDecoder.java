package thelook.streams.sink;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import thelook.avro.CrossSellKey;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.schemas.TopicSerdes;
import thelook.streams.names.TopicNames;

/** Mart topic records to {@link MartChange}s, with the serdes the topology wrote them with. */
final class MartDecoder {
    private final TopicNames topics;
    private final Deserializer<Long> longKey;
    private final Deserializer<CrossSellKey> crossSellKey;
    private final Deserializer<DimCustomerMetrics> customers;
    private final Deserializer<DimProductPerformance> products;
    private final Deserializer<FctCrossSellCandidates> crossSell;

    MartDecoder(TopicNames topics, TopicSerdes serdes) {
        this.topics = topics;
        this.longKey = serdes.longKey().deserializer();
        this.crossSellKey = serdes.recordKey(CrossSellKey.class).deserializer();
        this.customers = serdes.value(DimCustomerMetrics.class).deserializer();
        this.products = serdes.value(DimProductPerformance.class).deserializer();
        this.crossSell = serdes.value(FctCrossSellCandidates.class).deserializer();
    }

    /** The table and key of a record; an {@link IllegalArgumentException} names what is wrong with one that has none. */
    MartTable table(ConsumerRecord<byte[], byte[]> r) {
        return MartTable.forTopic(topics, r.topic());
    }

    RowKey key(MartTable table, ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            throw new IllegalArgumentException("a record without a key");
        }
        try {
            if (table == MartTable.FCT_CROSS_SELL_CANDIDATES) {
                CrossSellKey k = crossSellKey.deserialize(r.topic(), r.key());
                return RowKey.of(k.getUserId(), k.getProductId());
            }
            return RowKey.of(longKey.deserialize(r.topic(), r.key()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot decode its key as a " + table.tableName() + " key: " + e.getMessage(), e);
        }
    }

    /** The change a record carries (its key already read); an {@link IllegalArgumentException} names what is wrong. */
    MartChange decode(MartTable table, RowKey key, ConsumerRecord<byte[], byte[]> r) {
        SpecificRecord row;
        try {
            row = r.value() == null ? null : switch (table) {
                case DIM_CUSTOMER_METRICS -> customers.deserialize(r.topic(), r.value());
                case DIM_PRODUCT_PERFORMANCE -> products.deserialize(r.topic(), r.value());
                case FCT_CROSS_SELL_CANDIDATES -> crossSell.deserialize(r.topic(), r.value());
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot decode it as a " + table.tableName() + " row: " + e.getMessage(), e);
        }
        if (row != null && !table.keyOf(row).equals(key)) {
            throw new IllegalArgumentException("its key " + key + " differs from the row's " + table.keyOf(row));
        }
        return new MartChange(table, key, row, r.topic(), r.partition(), r.offset(), r.timestamp(),
                r.timestampType() == TimestampType.LOG_APPEND_TIME, r.key(), r.value());
    }
}
