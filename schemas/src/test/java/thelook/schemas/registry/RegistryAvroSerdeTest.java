package thelook.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import thelook.avro.DimProductPerformance;

/** The serdes on the in-memory registry: wire format, subjects, registration modes, generic records. */
class RegistryAvroSerdeTest {
    private final String scope = "serde-" + UUID.randomUUID();
    private final SchemaRegistry registry = CachingSchemaRegistry.forConfig(Map.of(RegistryConfig.URL, "mock://" + scope));

    static DimProductPerformance row(long id) {
        return DimProductPerformance.newBuilder().setProductId(id).setProductBrand("Acme").setProductCategory(null)
                .setProductDepartment(null).setProductRetailPrice(10.0).setProductCost(4.0).setTotalProductViews(3)
                .setUniqueProductViews(2).setTotalProductPurchases(1).setTotalProductRevenue(10.0)
                .setTotalProductCost(4.0).setTotalProductProfit(6.0).setProductConversionRate(0.5)
                .setTotalProductReturns(0).setProductReturnRate(0.0).build();
    }

    private SerdeSettings settings(Map<String, Object> config) {
        return SerdeSettings.from(config);
    }

    @Test
    void writesTheConfluentWireFormatUnderTheTopicSubject() {
        var serde = new RegistryAvroSerde<DimProductPerformance>(registry, settings(Map.of()), DimProductPerformance.class, false);

        byte[] bytes = serde.serializer().serialize("marts.products", row(7));

        int id = registry.latest("marts.products-value").id();
        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
        assertThat(serde.deserializer().deserialize("marts.products", bytes)).isEqualTo(row(7));
        assertThat(serde.serializer().serialize("marts.products", null)).isNull();
    }

    @Test
    void keysUseTheKeySubjectAndRecordNameStrategyTheRecordsName() {
        var settings = settings(Map.of(SubjectNameStrategy.VALUE_CONFIG,
                "io.confluent.kafka.serializers.subject.RecordNameStrategy"));
        new RegistryAvroSerializer<DimProductPerformance>(registry, settings, false).serialize("t1", row(1));
        new RegistryAvroSerializer<DimProductPerformance>(registry, settings, true).serialize("t1", row(1));

        assertThat(registry.subjects()).containsExactlyInAnyOrder("thelook.avro.DimProductPerformance", "t1-key");
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsRefusedNamingTheSubject() {
        var serializer = new RegistryAvroSerializer<DimProductPerformance>(registry,
                settings(Map.of(SerdeSettings.AUTO_REGISTER, "false")), false);

        assertThatThrownBy(() -> serializer.serialize("t2", row(1))).isInstanceOf(RegistryException.class)
                .hasMessageContaining("t2-value");

        registry.register("t2-value", DimProductPerformance.getClassSchema());
        assertThat(serializer.serialize("t2", row(1))).isNotNull();
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsLatestSchema() {
        var v2 = EvolutionTest.withAddedField(DimProductPerformance.getClassSchema(), "product_tier", true);
        registry.register("t3-value", DimProductPerformance.getClassSchema());
        int latestId = registry.register("t3-value", v2);
        var serializer = new RegistryAvroSerializer<DimProductPerformance>(registry,
                settings(Map.of(SerdeSettings.USE_LATEST_VERSION, "true", SerdeSettings.AUTO_REGISTER, "false")), false);

        byte[] bytes = serializer.serialize("t3", row(5));

        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(latestId);
        GenericRecord read = (GenericRecord) new RegistryAvroDeserializer<>(registry, v2).deserialize("t3", bytes);
        assertThat(read.get("product_id")).isEqualTo(5L);
        assertThat(read.get("product_tier")).hasToString("standard");
    }

    @Test
    void genericRecordsAndPrimitivesRoundTrip() {
        GenericRecord probe = new GenericData.Record(SchemaRegistryContractTest.V1);
        probe.put("id", 42L);
        var serializer = new RegistryAvroSerializer<Object>(registry, settings(Map.of()), false);
        var generic = new RegistryAvroDeserializer<Object>(registry, (Class<DimProductPerformance>) null);

        assertThat(generic.deserialize("t4", serializer.serialize("t4", probe))).isEqualTo(probe);
        assertThat(generic.deserialize("t5", serializer.serialize("t5", 42L))).isEqualTo(42L);
    }

    @Test
    void configuredByClassNameLikeConfluentsSerdes() {
        Map<String, Object> config = Map.of(RegistryConfig.URL, "mock://" + scope, SerdeSettings.SPECIFIC_READER, "true");
        var serializer = new RegistryAvroSerializer<DimProductPerformance>();
        serializer.configure(config, false);
        var deserializer = new RegistryAvroDeserializer<DimProductPerformance>();
        deserializer.configure(config, false);

        assertThat(deserializer.deserialize("t6", serializer.serialize("t6", row(9)))).isEqualTo(row(9));
    }

    @Test
    void garbageAndUnknownIdsAreSerializationErrorsNamingTheProblem() {
        var deserializer = new RegistryAvroDeserializer<>(registry, DimProductPerformance.class);

        assertThatThrownBy(() -> deserializer.deserialize("t7", new byte[] {1, 2, 3, 4, 5, 6}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("magic byte 1");
        assertThatThrownBy(() -> deserializer.deserialize("t7", new byte[] {0, 0, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("5-byte header");
        assertThatThrownBy(() -> deserializer.deserialize("t7", new byte[] {0, 0, 0, 0x30, 0x39, 2}))
                .isInstanceOfSatisfying(RegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(RegistryException.SCHEMA_NOT_FOUND));
        int id = registry.register("t7-value", DimProductPerformance.getClassSchema());
        assertThatThrownBy(() -> deserializer.deserialize("t7", ByteBuffer.allocate(7).put((byte) 0).putInt(id).array()))
                .isInstanceOf(SerializationException.class).hasMessageContaining("schema id " + id);
    }

    @Test
    void aRecordOfAnotherTypeIsRefusedEvenWhenItsFieldsWouldResolve() {
        byte[] probe = new RegistryAvroSerializer<Object>(registry, settings(Map.of()), false)
                .serialize("t8", new GenericData.Record(SchemaRegistryContractTest.V1) {{ put("id", 1L); }});

        assertThatThrownBy(() -> new RegistryAvroDeserializer<>(registry, DimProductPerformance.class).deserialize("t8", probe))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("is thelook.test.Probe, not the thelook.avro.DimProductPerformance");
    }
}
