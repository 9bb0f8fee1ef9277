package dev.onramp.schemas.serde;

import org.apache.avro.Schema;

/**
 * What the serde needs of a Confluent-API schema registry. {@link SchemaRegistryClient} talks to a real one over
 * HTTP; {@link InMemorySchemaRegistry} stands in where no registry is involved at all (TopologyTestDriver tests,
 * benchmarks of pure computation), like Confluent's {@code mock://} URLs.
 */
public interface SchemaRegistry {
    /** Registers (or finds) the schema under the subject and returns its global id. */
    int register(String subject, Schema schema);

    /** The id of a schema already registered under the subject. */
    int lookup(String subject, Schema schema);

    /** The writer schema with this id. */
    Schema schemaById(int id);

    void setCompatibility(String subject, String level);

    String compatibility(String subject);
}
