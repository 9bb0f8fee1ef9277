package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.Test;

/**
 * The shipped command ({@code target/onramp.jar} and its {@code lib/}, as {@code mvn package} leaves them) holds the
 * services and the operator's commands, and nothing of the developer's tools. The image's layers are checked the same
 * way in {@link ImageEntrypointIntegrationTest}.
 */
class ShippedArtifactIntegrationTest {
    private static final Path JAR = Path.of("target/onramp.jar");
    private static final Path LIB = Path.of("target/lib");

    @Test
    void theJarAndItsLibrariesHoldNoDeveloperTools() throws Exception {
        assertThat(JAR).as("the jar; built by mvn package").exists();
        List<String> entries;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            entries = Collections.list(jar.entries()).stream().map(ZipEntry::getName).toList();
        }
        assertThat(entries).contains("dev/onramp/cli/Onramp.class", "dev/onramp/cli/ServiceCommand.class");
        assertThat(DeveloperTools.in(entries)).as("developer's tools in onramp.jar").isEmpty();

        assertThat(Files.list(LIB).map(f -> f.getFileName().toString()).toList())
                .as("the services' own jars are there").anyMatch(name -> name.startsWith("ingest-"))
                .anyMatch(name -> name.startsWith("kafka-streams-"));
        assertThat(DeveloperTools.under(LIB)).as("developer's tools in lib/").isEmpty();
    }

    @Test
    void theCheckRecognisesEachDeveloperTool() {
        assertThat(List.of("lib/devstack-0.1.0-SNAPSHOT.jar", "lib/kafka_2.13-4.4.0.jar", "lib/kafka-server-4.4.0.jar",
                "lib/scala-library-2.13.16.jar", "lib/testkit-0.1.0-SNAPSHOT.jar", "dev/onramp/devtools/OnrampDev.class",
                "app/classes/dev/onramp/devstack/LocalKafkaBroker.class", "DevCommand.class"))
                .allMatch(DeveloperTools::forbidden);
        assertThat(List.of("lib/kafka-clients-4.4.0.jar", "lib/kafka-streams-4.4.0.jar", "lib/kafka-server-common-4.4.0.jar",
                "dev/onramp/cli/Onramp.class", "lib/ingest-0.1.0-SNAPSHOT.jar"))
                .noneMatch(DeveloperTools::forbidden);
    }
}
