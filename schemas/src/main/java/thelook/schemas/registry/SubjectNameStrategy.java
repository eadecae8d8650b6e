package thelook.schemas.registry;

import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/** Confluent's subject name strategies; the config takes their class names or their simple names. */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema history per topic (the default). */
    TOPIC,
    /** The record's full name: one history per record type, shared by every topic that carries it. */
    RECORD,
    /** {@code <topic>-<record full name>}. */
    TOPIC_RECORD;

    public static final String KEY_CONFIG = "key.subject.name.strategy";
    public static final String VALUE_CONFIG = "value.subject.name.strategy";

    public String subject(String topic, boolean isKey, Schema schema) {
        return switch (this) {
            case TOPIC -> topic + (isKey ? "-key" : "-value");
            case RECORD -> schema.getFullName();
            case TOPIC_RECORD -> topic + "-" + schema.getFullName();
        };
    }

    public static SubjectNameStrategy parse(String name, String value) {
        if (value == null || value.isBlank()) {
            return TOPIC;
        }
        String simple = value.substring(value.lastIndexOf('.') + 1).trim().toLowerCase(Locale.ROOT);
        return switch (simple) {
            case "topicnamestrategy", "topic" -> TOPIC;
            case "recordnamestrategy", "record" -> RECORD;
            case "topicrecordnamestrategy", "topic_record" -> TOPIC_RECORD;
            default -> throw new ConfigException(name, value,
                    "expected TopicNameStrategy, RecordNameStrategy or TopicRecordNameStrategy");
        };
    }
}
