package dev.onramp.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml as the tests read it: its services, and each one's environment as the container gets it. */
final class ComposeFile {
    private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Z_]+)(?::-([^}]*)|:\\?[^}]*)}");

    private final Map<String, Object> compose;
    private final Map<String, String> operatorSets;

    private ComposeFile(Map<String, Object> compose, Map<String, String> operatorSets) {
        this.compose = compose;
        this.operatorSets = operatorSets;
    }

    /** The file, with {@code ${X:?…}} resolved from {@code operatorSets} (what an operator or .env sets). */
    static ComposeFile read(Path file, Map<String, String> operatorSets) {
        try {
            return new ComposeFile(new Yaml().load(Files.readString(file)), Map.copyOf(operatorSets));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    /** The service's environment: {@code ${X:-d}} is d, {@code ${X:?…}} what the operator set, {@code $$} one {@code $}. */
    @SuppressWarnings("unchecked")
    Map<String, String> environment(String service) {
        Map<String, Object> raw = (Map<String, Object>) services().get(service).get("environment");
        Map<String, String> env = new HashMap<>();
        raw.forEach((name, value) -> env.put(name, SUBSTITUTION.matcher(String.valueOf(value)).replaceAll(m -> Matcher.quoteReplacement(
                m.group(2) != null ? m.group(2) : operatorSets.getOrDefault(m.group(1), ""))).replace("$$", "$")));
        return env;
    }

    /** Where each secret the file names comes from: secret name → file, relative to the file's directory. */
    @SuppressWarnings("unchecked")
    Map<String, String> secretFiles() {
        Map<String, String> files = new HashMap<>();
        ((Map<String, Map<String, Object>>) compose.get("secrets")).forEach((name, secret) -> files.put(name, (String) secret.get("file")));
        return files;
    }

    @SuppressWarnings("unchecked")
    List<String> ports(String service) {
        return ((List<Object>) services().get(service).getOrDefault("ports", List.of())).stream().map(String::valueOf).toList();
    }
}
