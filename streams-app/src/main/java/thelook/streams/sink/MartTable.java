package thelook.streams.sink;

import java.util.List;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import thelook.avro.DimCustomerMetrics;
import thelook.avro.DimProductPerformance;
import thelook.avro.FctCrossSellCandidates;
import thelook.streams.names.TopicNames;

/**
 * The three warehouse tables a sink keeps: named like the dbt marts, with the marts' Avro fields as
 * columns in the same order (then, for customers, the engagement tier), and the mart's key as primary key.
 */
public enum MartTable {
    DIM_CUSTOMER_METRICS("dim_customer_metrics", DimCustomerMetrics.getClassSchema(), List.of("user_id"), TopicNames::customerMetrics),
    DIM_PRODUCT_PERFORMANCE("dim_product_performance", DimProductPerformance.getClassSchema(), List.of("product_id"),
            TopicNames::productPerformance),
    FCT_CROSS_SELL_CANDIDATES("fct_cross_sell_candidates", FctCrossSellCandidates.getClassSchema(), List.of("user_id", "product_id"),
            TopicNames::crossSellCandidates);

    /** A column's warehouse type; the names are BigQuery's (DuckDB's in {@link #duckDb()}). */
    public enum Type {
        INT64("BIGINT"), FLOAT64("DOUBLE"), TIMESTAMP("TIMESTAMPTZ"), STRING("VARCHAR");

        private final String duckDb;

        Type(String duckDb) {
            this.duckDb = duckDb;
        }

        public String duckDb() {
            return duckDb;
        }
    }

    /**
     * One column: its dbt name, type, whether it may be NULL, and its position in the Avro record, or, for a column
     * after the dbt ones (-1), how it is derived from the row.
     */
    public record Column(String name, Type type, boolean nullable, int position, Function<SpecificRecord, Object> derived) {
        /** The column's value in {@code row}. */
        public Object valueOf(SpecificRecord row) {
            return position >= 0 ? row.get(position) : derived.apply(row);
        }
    }

    /**
     * The customer tier written after the dbt columns (docs/marts.md); the RFM scores only DuckDB writes (DuckDbTarget).
     * A holder class: an enum's static fields are not set yet when its constants are built.
     */
    private static final class Extras {
        static final List<Column> CUSTOMER = List.of(new Column("engagement_tier", Type.STRING, false, -1,
                row -> thelook.streams.tiers.CustomerTiers.engagementTier((DimCustomerMetrics) row)));
    }

    private final String tableName;
    private final Schema schema;
    private final List<String> keyColumns;
    private final Function<TopicNames, String> topic;
    private final List<Column> columns;
    private final int[] keyPositions; // of the key columns in the Avro record: looked up once, read for every row

    MartTable(String tableName, Schema schema, List<String> keyColumns, Function<TopicNames, String> topic) {
        this.tableName = tableName;
        this.schema = schema;
        this.keyColumns = keyColumns;
        this.topic = topic;
        this.keyPositions = keyColumns.stream().mapToInt(k -> schema.getField(k).pos()).toArray();
        List<Column> dbt = schema.getFields().stream().map(MartTable::column).toList();
        this.columns = tableName.equals("dim_customer_metrics")
                ? java.util.stream.Stream.concat(dbt.stream(), Extras.CUSTOMER.stream()).toList() : dbt;
    }

    private static Column column(Schema.Field f) {
        Schema s = f.schema();
        boolean nullable = s.isNullable();
        if (s.isUnion()) {
            s = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).findFirst().orElseThrow();
        }
        Type type = switch (s.getType()) {
            case LONG -> s.getLogicalType() != null && s.getLogicalType().getName().equals("timestamp-micros") ? Type.TIMESTAMP : Type.INT64;
            case INT -> Type.INT64;
            case DOUBLE, FLOAT -> Type.FLOAT64;
            case STRING -> Type.STRING;
            default -> throw new IllegalStateException("no warehouse type for " + f.name() + ": " + s);
        };
        return new Column(f.name(), type, nullable, f.pos(), null);
    }

    public String tableName() {
        return tableName;
    }

    public Schema schema() {
        return schema;
    }

    public List<Column> columns() {
        return columns;
    }

    public List<String> keyColumns() {
        return keyColumns;
    }

    public String topic(TopicNames topics) {
        return topic.apply(topics);
    }

    /** The key columns' values of a row of this table. */
    public RowKey keyOf(SpecificRecord row) {
        long first = (Long) row.get(keyPositions[0]);
        return keyPositions.length == 1 ? RowKey.of(first) : RowKey.of(first, (Long) row.get(keyPositions[1]));
    }

    /** A TIMESTAMP column's value as epoch microseconds: generated classes give an Instant, or the long itself without conversions. */
    public static long timestampMicros(Object value) {
        return value instanceof java.time.Instant i ? thelook.schemas.Micros.of(i) : ((Number) value).longValue();
    }

    public static MartTable forTopic(TopicNames topics, String topicName) {
        for (MartTable t : values()) {
            if (t.topic(topics).equals(topicName)) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a mart topic: " + topicName);
    }
}
