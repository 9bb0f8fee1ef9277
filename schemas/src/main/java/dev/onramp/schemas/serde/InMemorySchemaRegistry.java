package dev.onramp.schemas.serde;

import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Schema;

/**
 * A registry kept in memory, with ids assigned in order and no compatibility rules. For tests of code that is not
 * about the registry (the Streams topology under TopologyTestDriver); everything else uses a real registry.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private final Map<Schema, Integer> ids = new HashMap<>();
    private final Map<Integer, Schema> schemas = new HashMap<>();
    private final Map<String, String> compatibility = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        return ids.computeIfAbsent(schema, s -> {
            int id = ids.size() + 1;
            schemas.put(id, s);
            return id;
        });
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        Integer id = ids.get(schema);
        if (id == null) {
            throw new SchemaRegistryException(404, "schema not registered under " + subject);
        }
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new SchemaRegistryException(404, "no schema with id " + id);
        }
        return schema;
    }

    @Override
    public synchronized void setCompatibility(String subject, String level) {
        compatibility.put(subject, level);
    }

    @Override
    public synchronized String compatibility(String subject) {
        return compatibility.getOrDefault(subject, "BACKWARD");
    }
}
