package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.onramp.schemas.Topic;
import dev.onramp.schemas.Topics;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The documents other teams read, against the code: specs/asyncapi.yaml names every topic of {@link Topics} (and no
 * other) with its policy and its current contract; specs/openapi.yaml every HTTP route the services serve (and no
 * other; the console's HTML pages are not an API). specs/validate.js checks both against their standards.
 */
class SpecsTest {
    private static final Path ROOT = Path.of("..");

    @Test
    @SuppressWarnings("unchecked")
    void theAsyncApiDocumentNamesEveryTopicWithItsPolicyAndCurrentContract() throws IOException {
        Map<String, Object> spec = new Yaml().load(Files.readString(ROOT.resolve("specs/asyncapi.yaml")));
        Map<String, Map<String, Object>> channels = (Map<String, Map<String, Object>>) spec.get("channels");
        Map<String, Map<String, Object>> messages = (Map<String, Map<String, Object>>)
                ((Map<String, Object>) spec.get("components")).get("messages");
        Set<String> addresses = channels.values().stream().map(c -> (String) c.get("address")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(addresses).isEqualTo(Topics.ALL.stream().map(Topic::name).collect(Collectors.toCollection(TreeSet::new)));
        for (Map<String, Object> channel : channels.values()) {
            Topic<?> topic = Topics.ALL.stream().filter(t -> t.name().equals(channel.get("address"))).findFirst().orElseThrow();
            Map<String, Object> config = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) channel.get("bindings"))
                    .get("kafka")).get("topicConfiguration");
            assertThat((List<String>) config.get("cleanup.policy")).as(topic.name()).containsExactly(topic.configs().get("cleanup.policy"));
            assertThat(String.valueOf(config.get("retention.ms"))).as(topic.name())
                    .isEqualTo(String.valueOf(topic.configs().getOrDefault("retention.ms", "null")));
            Map<String, Object> message = messages.get(topic.valueType().getSimpleName());
            String ref = (String) ((Map<String, Object>) ((Map<String, Object>) message.get("payload")).get("schema")).get("$ref");
            Schema documented = new Schema.Parser().parse(ROOT.resolve("specs").resolve(ref).normalize().toFile());
            assertThat(documented).as(topic.name() + ": the document's contract is the current one").isEqualTo(topic.valueSchema());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOpenApiDocumentListsEveryRouteTheServicesServe() throws IOException {
        Map<String, Object> spec = new Yaml().load(Files.readString(ROOT.resolve("specs/openapi.yaml")));
        Set<String> documented = new TreeSet<>();
        ((Map<String, Map<String, Object>>) spec.get("paths")).forEach((path, operations) -> operations.keySet().stream()
                .filter(m -> List.of("get", "post", "put", "delete", "patch").contains(m))
                .forEach(method -> documented.add(method.toUpperCase(Locale.ROOT) + " " + path)));
        assertThat(documented).isEqualTo(servedRoutes());
    }

    /** Every route registered in the services' code ({@code app.get("/…")}, …), but the console's pages. */
    private static Set<String> servedRoutes() throws IOException {
        Set<String> routes = new TreeSet<>();
        Pattern route = Pattern.compile("\\.(get|post|put|delete|patch)\\(\"(/[^\"]*)\"");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/dev/onramp/")
                    && Stream.of("ingest", "processor", "notifier", "console", "runtime").anyMatch(m -> f.toString().contains("/" + m + "/src/")))
                    .toList()) {
                Matcher m = route.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(2).startsWith("/console")) {
                        routes.add(m.group(1).toUpperCase(Locale.ROOT) + " " + m.group(2));
                    }
                }
            }
        }
        return routes;
    }
}
