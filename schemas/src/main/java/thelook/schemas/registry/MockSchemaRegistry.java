package thelook.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * An in-memory registry behind {@code mock://<scope>} URLs, shared by every client of the same scope
 * in this JVM: for tests and for the embedded mode, where nothing outside the process reads the
 * topics. Ids are global and one per distinct schema, as in Confluent's registry; compatibility is
 * enforced (BACKWARD unless set otherwise) with the same messages as a real registry's refusals.
 */
public final class MockSchemaRegistry implements SchemaRegistry {
    private static final Map<String, MockSchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final String scope;
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final List<Schema> schemasById = new ArrayList<>();
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
    private final Map<String, CompatibilityLevel> levels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

    private MockSchemaRegistry(String scope) {
        this.scope = scope;
    }

    public static MockSchemaRegistry scope(String scope) {
        return SCOPES.computeIfAbsent(scope, MockSchemaRegistry::new);
    }

    /** Forgets a scope, so that the next use starts empty. */
    public static void drop(String scope) {
        SCOPES.remove(scope);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        List<Integer> versions = subjects.getOrDefault(subject, List.of());
        Integer known = idsBySchema.get(schema.toString());
        if (known != null && versions.contains(known)) {
            return known;
        }
        List<String> problems = Compatibility.problems(compatibility(subject), schema, schemas(versions));
        if (!problems.isEmpty()) {
            throw new RegistryException(where("POST /subjects/" + subject + "/versions"), 409, RegistryException.INCOMPATIBLE,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\", details: "
                            + problems);
        }
        int id = idsBySchema.computeIfAbsent(schema.toString(), s -> {
            schemasById.add(schema);
            return schemasById.size();
        });
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        List<Integer> versions = existing(subject, "POST /subjects/" + subject);
        Integer id = idsBySchema.get(schema.toString());
        int index = id == null ? -1 : versions.indexOf(id);
        if (index < 0) {
            throw new RegistryException(where("POST /subjects/" + subject), 404, RegistryException.SCHEMA_NOT_FOUND,
                    "Schema not found");
        }
        return new RegisteredSchema(subject, index + 1, id, schema);
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemasById.size()) {
            throw new RegistryException(where("GET /schemas/ids/" + id), 404, RegistryException.SCHEMA_NOT_FOUND,
                    "Schema " + id + " not found");
        }
        return schemasById.get(id - 1);
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = existing(subject, "GET /subjects/" + subject + "/versions/latest");
        return version(subject, versions.size());
    }

    @Override
    public synchronized RegisteredSchema version(String subject, int version) {
        List<Integer> versions = existing(subject, "GET /subjects/" + subject + "/versions/" + version);
        if (version < 1 || version > versions.size()) {
            throw new RegistryException(where("GET /subjects/" + subject + "/versions/" + version), 404,
                    RegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.");
        }
        int id = versions.get(version - 1);
        return new RegisteredSchema(subject, version, id, schemasById.get(id - 1));
    }

    @Override
    public synchronized List<Integer> versions(String subject) {
        List<Integer> versions = existing(subject, "GET /subjects/" + subject + "/versions");
        List<Integer> out = new ArrayList<>();
        for (int v = 1; v <= versions.size(); v++) {
            out.add(v);
        }
        return out;
    }

    @Override
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    @Override
    public synchronized boolean isCompatible(String subject, Schema schema) {
        return Compatibility.problems(compatibility(subject), schema, schemas(subjects.getOrDefault(subject, List.of())))
                .isEmpty();
    }

    @Override
    public synchronized CompatibilityLevel compatibility(String subject) {
        return levels.getOrDefault(subject, globalLevel);
    }

    @Override
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        levels.put(subject, level);
    }

    private List<Integer> existing(String subject, String call) {
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            throw new RegistryException(where(call), 404, RegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private List<Schema> schemas(List<Integer> ids) {
        return ids.stream().map(id -> schemasById.get(id - 1)).toList();
    }

    private String where(String call) {
        return "schema registry mock://" + scope + " " + call;
    }
}
