package thelook.schemas.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Both-way caches in front of a registry: (subject, schema) -> id for writers, id -> schema for
 * readers. Registered ids never change, so those entries never expire; a subject's latest version
 * does, so it is kept for {@code latestTtl} only.
 */
public final class CachingSchemaRegistry implements SchemaRegistry {
    private record SubjectSchema(String subject, Schema schema) {}

    private record Timed(RegisteredSchema value, long expiresAt) {}

    private final SchemaRegistry delegate;
    private final Duration latestTtl;
    private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<String, Timed> latest = new ConcurrentHashMap<>();

    public CachingSchemaRegistry(SchemaRegistry delegate, Duration latestTtl) {
        this.delegate = delegate;
        this.latestTtl = latestTtl;
    }

    public static SchemaRegistry forConfig(Map<String, ?> config) {
        return forConfig(RegistryConfig.from(config));
    }

    public static SchemaRegistry forConfig(RegistryConfig config) {
        String scope = config.mockScope();
        SchemaRegistry registry = scope != null ? MockSchemaRegistry.scope(scope) : new HttpSchemaRegistry(config);
        return new CachingSchemaRegistry(registry, Duration.ofMinutes(1));
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = ids.get(key);
        if (id == null) {
            id = delegate.register(subject, schema);
            ids.put(key, id);
            schemas.putIfAbsent(id, schema);
        }
        return id;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        RegisteredSchema found = delegate.lookup(subject, schema);
        ids.put(new SubjectSchema(subject, schema), found.id());
        schemas.putIfAbsent(found.id(), found.schema());
        return found;
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            schema = delegate.schemaById(id);
            schemas.put(id, schema);
        }
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        Timed cached = latest.get(subject);
        if (cached != null && cached.expiresAt() > System.nanoTime()) {
            return cached.value();
        }
        RegisteredSchema fresh = delegate.latest(subject);
        latest.put(subject, new Timed(fresh, System.nanoTime() + latestTtl.toNanos()));
        schemas.putIfAbsent(fresh.id(), fresh.schema());
        return fresh;
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        RegisteredSchema found = delegate.version(subject, version);
        schemas.putIfAbsent(found.id(), found.schema());
        return found;
    }

    @Override
    public List<Integer> versions(String subject) {
        return delegate.versions(subject);
    }

    @Override
    public List<String> subjects() {
        return delegate.subjects();
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        return delegate.isCompatible(subject, schema);
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        return delegate.compatibility(subject);
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        delegate.setCompatibility(subject, level);
    }
}
