package dev.onramp.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A JVM running a main class of this classpath (the bench jar names its libraries in its manifest). */
final class ChildJvm {
    private ChildJvm() {
    }

    static ProcessBuilder builder(String mainClass, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return new ProcessBuilder(command);
    }
}
