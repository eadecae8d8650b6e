package thelook.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The calls of the Confluent Schema Registry REST API this project makes. Implemented over HTTP
 * ({@link HttpSchemaRegistry}) and in memory ({@link MockSchemaRegistry}, {@code mock://scope} URLs);
 * {@link CachingSchemaRegistry} puts the both-way caches in front of either.
 */
public interface SchemaRegistry {
    /** {@code POST /subjects/{subject}/versions}: the id of the schema, registering it if it is new. */
    int register(String subject, Schema schema);

    /** {@code POST /subjects/{subject}}: the version of the subject that holds this schema; 40403 if none. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** {@code GET /schemas/ids/{id}}. */
    Schema schemaById(int id);

    /** {@code GET /subjects/{subject}/versions/latest}. */
    RegisteredSchema latest(String subject);

    /** {@code GET /subjects/{subject}/versions/{version}}. */
    RegisteredSchema version(String subject, int version);

    /** {@code GET /subjects/{subject}/versions}. */
    List<Integer> versions(String subject);

    /** {@code GET /subjects}. */
    List<String> subjects();

    /** {@code POST /compatibility/subjects/{subject}/versions/latest}: may this schema follow the latest one? */
    boolean isCompatible(String subject, Schema schema);

    /** {@code GET /config/{subject}?defaultToGlobal=true}: the subject's compatibility level. */
    CompatibilityLevel compatibility(String subject);

    /** {@code PUT /config/{subject}}. */
    void setCompatibility(String subject, CompatibilityLevel level);
}
