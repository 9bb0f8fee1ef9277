package dev.onramp.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fails the build when a contract changes in a way that is not FULL compatible with every version kept in
 * {@code schemas/history/<topic>/vN.avsc}: old events must stay readable by new code, and new events by old code,
 * forever (the registry enforces the same with FULL_TRANSITIVE, but only once the schema is deployed).
 *
 * <p>A compatible change must also be recorded: copy the new schema to the next {@code vN.avsc}.
 */
class ContractHistoryTest {
    private static final Path HISTORY = Path.of("history");

    static Stream<Topic<?>> topics() {
        return Topics.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topics")
    void currentSchemaIsFullyCompatibleWithEveryKeptVersion(Topic<?> topic) throws IOException {
        Schema current = topic.valueSchema();
        List<Path> versions = keptVersions(topic);
        assertThat(versions).as("history of %s: keep at least v1.avsc in %s", topic.name(), HISTORY.resolve(topic.name()))
                .isNotEmpty();
        for (Path version : versions) {
            Schema old = new Schema.Parser().parse(version.toFile());
            assertThat(compatibility(current, old))
                    .as("%s: new code reading events written with %s", topic.name(), version)
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
            assertThat(compatibility(old, current))
                    .as("%s: code built on %s reading events written now", topic.name(), version)
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
        Schema latest = new Schema.Parser().parse(versions.get(versions.size() - 1).toFile());
        assertThat(latest)
                .as("%s changed: record it as %s", topic.name(),
                        HISTORY.resolve(topic.name()).resolve("v" + (versions.size() + 1) + ".avsc"))
                .isEqualTo(current);
    }

    private static SchemaCompatibilityType compatibility(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
    }

    private static List<Path> keptVersions(Topic<?> topic) throws IOException {
        Path dir = HISTORY.resolve(topic.name());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> versions = new ArrayList<>(files.filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc")).toList());
            versions.sort(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", ""))));
            return versions;
        }
    }
}
