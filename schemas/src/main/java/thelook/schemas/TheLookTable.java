package thelook.schemas;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import thelook.avro.DistributionCenter;
import thelook.avro.Event;
import thelook.avro.InventoryItem;
import thelook.avro.Order;
import thelook.avro.OrderItem;
import thelook.avro.Product;
import thelook.avro.User;

/** The seven theLook input tables: their names, primary keys, Avro classes and topics. */
public enum TheLookTable {
    PRODUCTS("products", "id", Product.class),
    DISTRIBUTION_CENTERS("distribution_centers", "id", DistributionCenter.class),
    USERS("users", "id", User.class),
    ORDERS("orders", "order_id", Order.class),
    ORDER_ITEMS("order_items", "id", OrderItem.class),
    EVENTS("events", "id", Event.class),
    INVENTORY_ITEMS("inventory_items", "id", InventoryItem.class);

    public static final String DEFAULT_TOPIC_PREFIX = "thelook.";

    private final String tableName;
    private final String primaryKey;
    private final Class<? extends SpecificRecord> recordClass;

    TheLookTable(String tableName, String primaryKey, Class<? extends SpecificRecord> recordClass) {
        this.tableName = tableName;
        this.primaryKey = primaryKey;
        this.recordClass = recordClass;
    }

    public String tableName() {
        return tableName;
    }

    public String primaryKey() {
        return primaryKey;
    }

    public Class<? extends SpecificRecord> recordClass() {
        return recordClass;
    }

    public Schema schema() {
        return org.apache.avro.specific.SpecificData.get().getSchema(recordClass);
    }

    public String topic(String prefix) {
        return prefix + tableName;
    }

    public static TheLookTable byName(String tableName) {
        for (TheLookTable t : values()) {
            if (t.tableName.equals(tableName)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown theLook table: " + tableName);
    }
}
