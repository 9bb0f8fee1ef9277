package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml against the code: no Docker engine runs where this is built, so the file is checked here
 * instead of by starting it. Each service's configuration must load from exactly the settings the file gives it.
 */
class DeploymentFilesTest {
    private static final Path ROOT = Path.of("..");
    /** What an operator fills in for the file's {@code ${VAR:?...}} (valid-looking values, never real ones). */
    private static final Map<String, String> OPERATOR_SETS = Map.of(
            "PLATFORM_API_KEY", "compose-check-platform-0123456789",
            "STRIPE_WEBHOOK_SECRETS", "whsec_compose_check_0123456789",
            "ADMIN_API_KEY", "compose-check-admin-abcdef0123456");
    private static final Map<String, Function<Env, Object>> CONFIGS = Map.of(
            "ingest", IngestConfig::fromEnv, "processor", ProcessorConfig::fromEnv,
            "notifier", NotifierConfig::fromEnv, "console", ConsoleConfig::fromEnv);

    private final Map<String, Map<String, Object>> services = services();

    @Test
    void eachServiceLoadsItsConfigurationFromExactlyTheseSettings() {
        assertThat(services).containsKeys("ingest", "processor", "notifier", "console");
        CONFIGS.forEach((name, config) -> assertThatCode(() -> config.apply(new Env(environment(name))))
                .as(name + "'s settings in docker-compose.yml").doesNotThrowAnyException());
    }

    @Test
    void everyVariableTheFileSetsIsOneTheCodeReads() throws IOException {
        Set<String> read = variablesInSources();
        for (String name : CONFIGS.keySet()) {
            for (String variable : environment(name).keySet()) {
                assertThat(read.contains(variable) || variable.startsWith("KAFKA_CLIENT_"))
                        .as(name + " is given " + variable + ", which no code reads (a typo?)").isTrue();
            }
        }
    }

    @Test
    void onlyIngestsPublicPortIsPublishedAndTheConsoleOnlyOnTheHostsLoopback() {
        assertThat(ports("ingest")).containsExactly("8080:8080");
        assertThat(ports("console")).allMatch(p -> p.startsWith("127.0.0.1:"));
        for (String name : List.of("registry", "processor", "notifier", "kafka-1", "kafka-2", "kafka-3")) {
            assertThat(ports(name)).as(name + " publishes nothing").isEmpty();
        }
    }

    @Test
    void threeBrokersKeepEveryWriteTwiceAndTheServicesKeepTheirIdentityAcrossRestarts() {
        for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
            Map<String, String> env = environment(broker);
            assertThat(env).containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "3").containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2");
        }
        assertThat(environment("processor")).containsEntry("ONRAMP_TOPIC_REPLICATION", "3").containsKeys("PROCESSOR_INSTANCE_ID");
        assertThat(environment("ingest")).containsKey("INGEST_TRANSACTIONAL_ID");
        assertThat(environment("console")).containsKey("CONSOLE_TRANSACTIONAL_ID");
        assertThat(environment("notifier")).containsKey("NOTIFIER_INSTANCE_ID");
        assertThat(String.valueOf(services.get("processor").get("volumes"))).contains(":/state");
        assertThat(String.valueOf(services.get("notifier").get("volumes"))).contains(":/state");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        try {
            Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
            return (Map<String, Map<String, Object>>) compose.get("services");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The service's environment as the container gets it: {@code ${X:-d}} is d, {@code ${X:?…}} what the operator set. */
    @SuppressWarnings("unchecked")
    private Map<String, String> environment(String service) {
        Map<String, Object> raw = (Map<String, Object>) services.get(service).get("environment");
        Map<String, String> env = new HashMap<>();
        Pattern substitution = Pattern.compile("\\$\\{([A-Z_]+)(?::-([^}]*)|:\\?[^}]*)}");
        raw.forEach((name, value) -> {
            Matcher m = substitution.matcher(String.valueOf(value));
            env.put(name, m.matches() ? (m.group(2) != null ? m.group(2) : OPERATOR_SETS.getOrDefault(m.group(1), "")) : String.valueOf(value));
        });
        return env;
    }

    @SuppressWarnings("unchecked")
    private List<String> ports(String service) {
        return ((List<Object>) services.get(service).getOrDefault("ports", List.of())).stream().map(String::valueOf).toList();
    }

    /** Every name in our production code that looks like an environment variable, and those the logging config reads. */
    private static Set<String> variablesInSources() throws IOException {
        Set<String> names = new HashSet<>();
        Pattern literal = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"|\\$\\{([A-Z][A-Z0-9_]+)");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().contains("/src/main/")
                    && (f.toString().endsWith(".java") || f.toString().endsWith("logback.xml"))).toList()) {
                Matcher m = literal.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
        return names;
    }
}
