package thelook.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import thelook.avro.DimProductPerformance;
import thelook.schemas.testing.ApicurioRegistry;

/**
 * Schema evolution of a mart topic on a real registry (Apicurio) under BACKWARD compatibility, the level
 * this project sets on its subjects: a field added with a default is accepted and readable both ways,
 * an incompatible change is refused with the registry's own message.
 */
class EvolutionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistry registry = CachingSchemaRegistry.forConfig(
            Map.of(RegistryConfig.URL, ApicurioRegistry.shared().url()));
    private final String topic = ApicurioRegistry.uniqueSubject("thelook.mart.dim_product_performance");
    private final String subject = topic + "-value";

    /** The schema with one more string field at the end; with a default ("standard") or without. */
    static Schema withAddedField(Schema schema, String name, boolean withDefault) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(schema.toString());
            ObjectNode field = ((ArrayNode) root.get("fields")).addObject().put("name", name).put("type", "string");
            if (withDefault) {
                field.put("default", "standard");
            }
            return new Schema.Parser().parse(root.toString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void addedFieldWithDefaultIsReadableByNewAndOldConsumers() {
        var oldSerializer = new RegistryAvroSerializer<DimProductPerformance>(registry, SerdeSettings.from(Map.of()), false);
        byte[] oldRecord = oldSerializer.serialize(topic, RegistryAvroSerdeTest.row(1));
        registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);

        Schema v2 = withAddedField(DimProductPerformance.getClassSchema(), "product_tier", true);
        GenericRecord newRow = new GenericData.Record(v2);
        DimProductPerformance template = RegistryAvroSerdeTest.row(2);
        for (Schema.Field f : DimProductPerformance.getClassSchema().getFields()) {
            newRow.put(f.name(), template.get(f.pos()));
        }
        newRow.put("product_tier", "premium");
        byte[] newRecord = new RegistryAvroSerializer<GenericRecord>(registry, SerdeSettings.from(Map.of()), false)
                .serialize(topic, newRow);
        assertThat(registry.versions(subject)).containsExactly(1, 2);

        var newConsumer = new RegistryAvroDeserializer<GenericRecord>(registry, v2);
        assertThat(newConsumer.deserialize(topic, oldRecord).get("product_tier")).hasToString("standard");
        assertThat(newConsumer.deserialize(topic, newRecord).get("product_tier")).hasToString("premium");

        var oldConsumer = new RegistryAvroDeserializer<DimProductPerformance>(registry, DimProductPerformance.class);
        assertThat(oldConsumer.deserialize(topic, oldRecord)).isEqualTo(RegistryAvroSerdeTest.row(1));
        assertThat(oldConsumer.deserialize(topic, newRecord)).isEqualTo(RegistryAvroSerdeTest.row(2));
    }

    @Test
    void incompatibleChangeIsRefusedWithTheRegistrysMessage() {
        registry.register(subject, DimProductPerformance.getClassSchema());
        registry.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        Schema noDefault = withAddedField(DimProductPerformance.getClassSchema(), "product_tier", false);

        assertThat(registry.isCompatible(subject, noDefault)).isFalse();
        GenericRecord row = new GenericData.Record(noDefault);
        assertThatThrownBy(() -> new RegistryAvroSerializer<GenericRecord>(registry, SerdeSettings.from(Map.of()), false)
                .serialize(topic, row))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).containsIgnoringCase("incompatible").contains(subject);
                });
        assertThat(registry.versions(subject)).containsExactly(1);
    }
}
