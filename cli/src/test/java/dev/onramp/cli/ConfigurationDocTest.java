package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.onramp.console.ConsoleConfig;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.runtime.Env;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is the one place the environment variables are documented: every variable the code reads
 * is there, and every variable there is read. What the services read is recorded by running each service's
 * configuration over a map that notes every name asked for; what the `onramp` command, `onramp dev` and the log
 * configuration read is found in their sources.
 */
class ConfigurationDocTest {
    private static final Path ROOT = Path.of("..");
    private static final List<Function<Env, Object>> CONFIGS = List.of(
            IngestConfig::fromEnv, ProcessorConfig::fromEnv, NotifierConfig::fromEnv, ConsoleConfig::fromEnv);
    /** Enough for every configuration to load; the second set also turns on what is optional (SMTP, push, minting). */
    private static final Map<String, String> REQUIRED = Map.of(
            "STRIPE_WEBHOOK_SECRETS", "whsec_doc_check_0123456789",
            "PLATFORM_API_KEY", "doc-check-platform-0123456789",
            "ADMIN_API_KEY", "doc-check-admin-abcdef0123456");
    private static final Map<String, String> OPTIONAL_ON = Map.of(
            "SMTP_HOST", "smtp.example.com",
            "STRIPE_API_KEY", "rk_test_doc_check",
            "UNSUBSCRIBE_BASE_URL", "https://onramp.example.com",
            "UNSUBSCRIBE_SECRETS", "unsubscribe-doc-check-0123456789",
            "PLATFORM_WEBHOOK_SECRETS", "whsec_doc_check_platform_0123",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318");

    @Test
    void everyVariableTheCodeReadsIsDocumentedAndEveryDocumentedOneIsRead() throws IOException {
        Set<String> read = new TreeSet<>(readByServices());
        read.addAll(readByTheCommandAndTheLogs());
        Set<String> documented = documented();

        assertThat(read).as("read by the code but not in docs/configuration.md").isSubsetOf(documented);
        Set<String> notRead = new TreeSet<>(documented);
        notRead.removeAll(read);
        // Passed on as a whole, by prefix: KAFKA_CLIENT_* to every Kafka client, OTEL_* to OpenTelemetry's SDK.
        notRead.removeIf(name -> name.startsWith("KAFKA_CLIENT_") || name.startsWith("OTEL_"));
        assertThat(notRead).as("in docs/configuration.md but read by no code").isEmpty();
    }

    private static Set<String> readByServices() {
        Set<String> names = new TreeSet<>();
        Map<String, String> withOptional = new HashMap<>(REQUIRED);
        withOptional.putAll(OPTIONAL_ON);
        for (Map<String, String> values : List.of(REQUIRED, withOptional)) {
            for (Function<Env, Object> config : CONFIGS) {
                config.apply(new Env(new Recording(values, names)));
            }
        }
        return names;
    }

    /** {@code getenv("X")}, {@code getOrDefault("X"} in the command's sources, {@code ${X:-…}} in the log configuration and the script. */
    private static Set<String> readByTheCommandAndTheLogs() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern javaRead = Pattern.compile("(?:getenv\\(\\)\\.getOrDefault|getenv|env\\.getOrDefault|env\\.get)\\(\"([A-Z][A-Z0-9_]+)\"");
        try (Stream<Path> files = Stream.of("cli", "devtools", "devstack").flatMap(ConfigurationDocTest::mainSources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                collect(javaRead, Files.readString(file), names);
            }
        }
        Pattern shellOrXml = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]+):-");
        collect(shellOrXml, Files.readString(ROOT.resolve("cli/src/main/resources/logback.xml")), names);
        collect(shellOrXml, Files.readString(ROOT.resolve("onramp")), names);
        return names;
    }

    private static Stream<Path> mainSources(String module) {
        try {
            return Files.walk(ROOT.resolve(module).resolve("src/main"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every backquoted name in the first column of the doc's tables. */
    private static Set<String> documented() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern name = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
        for (String line : Files.readAllLines(ROOT.resolve("docs/configuration.md"))) {
            if (line.startsWith("| `")) {
                collect(name, line.split("\\|")[1], names);
            }
        }
        return names;
    }

    private static void collect(Pattern pattern, String text, Set<String> into) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    /** The environment, noting every name a configuration asks for (whether or not it is set). */
    private static final class Recording extends AbstractMap<String, String> {
        private final Map<String, String> values;
        private final Set<String> asked;

        Recording(Map<String, String> values, Set<String> asked) {
            this.values = values;
            this.asked = asked;
        }

        @Override
        public String get(Object key) {
            asked.add((String) key);
            return values.get(key);
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return values.entrySet();
        }
    }
}
