package dev.onramp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a developer's machine runs and production never does: the broker launcher and its Kafka server and Scala
 * jars, the schema registry launcher, the Stripe stand-ins and simulator, the dev command, test support and benchmarks.
 * The shipped jar, its {@code lib/} and the image's layers must hold none of it.
 */
final class DeveloperTools {
    /** Jar names (without version) and class paths that only the developer's tools bring. */
    private static final Pattern FORBIDDEN = Pattern.compile(
            "(^|/)(devstack|devtools|testkit|bench|kafka_2\\.13|kafka-server|kafka-storage|kafka-raft|scala-library|greenmail"
                    + "|apicurio[^/]*)-\\d[^/]*\\.jar$"
                    + "|(^|/)dev/onramp/(devstack|devtools|testkit|bench)/"
                    + "|(^|/)(DevCommand|SimulateCommand)\\.class$");

    private DeveloperTools() {
    }

    /** The paths (relative to {@code root}) of everything under it that belongs to the developer's tools. */
    static List<String> under(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(f -> root.relativize(f).toString()).filter(DeveloperTools::forbidden).sorted().toList();
        }
    }

    /** The entries of a jar that belong to the developer's tools. */
    static List<String> in(List<String> entries) {
        return entries.stream().filter(DeveloperTools::forbidden).sorted().toList();
    }

    static boolean forbidden(String path) {
        return FORBIDDEN.matcher(path).find();
    }
}
