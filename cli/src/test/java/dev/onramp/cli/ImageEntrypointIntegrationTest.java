package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;
import dev.onramp.testkit.DevStackExtension;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The image as a container runtime would run it, without one: its layers unpacked in order into a root directory,
 * its config's entrypoint run with the image's own java (found on the image's PATH under that root), with the image's
 * environment and working directory, as its non-root user when this test runs as root, and {@code ingest} as the
 * argument, against this class's broker and registry. Ready, a signed webhook answered 200 (so it is in Kafka), JSON
 * logs (the image's {@code LOG_FORMAT}), and a clean stop on SIGTERM. Its layers hold none of the developer's tools.
 */
@Tag("slow")
class ImageEntrypointIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    /** Written by the build's image profile (on for {@code mvn verify}). */
    private static final Path IMAGE = Path.of("target/onramp-image.tar");
    private static final String SECRET = "whsec_image_secret_0123456789abcdef";
    private static final String API_KEY = "image-test-platform-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theEntrypointStartsAServiceAsTheImagesUser() throws Exception {
        assertThat(IMAGE).as("the image tarball; build it with mvn -Pimage package").exists();
        Path root = Files.createTempDirectory("onramp-image");
        Path unpacked = Files.createTempDirectory("onramp-image-tar");
        try {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            JsonNode config = unpack(IMAGE, unpacked, root).path("config");
            assertThat(DeveloperTools.under(root)).as("developer's tools in the image's layers").isEmpty();
            runIngest(root, config);
        } finally {
            deleteRecursively(root);
            deleteRecursively(unpacked);
        }
    }

    private static void runIngest(Path root, JsonNode config) throws Exception {
        List<String> exported = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exported.add(exchange.getRequestURI().getPath() + " " + new String(body, StandardCharsets.ISO_8859_1));
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
        });
        collector.start();
        try {
            runIngest(root, config, collector, exported);
        } finally {
            collector.stop(0);
        }
        assertThat(exported).as("the webhook's spans, exported over OTLP").anyMatch(e -> e.startsWith("/v1/traces ") && e.contains("webhook"));
    }

    private static void runIngest(Path root, JsonNode config, HttpServer collector, List<String> exported) throws Exception {

        assertThat(config.path("User").asText()).as("non-root, in group 0 (its directories are group-writable)").isEqualTo("10001:0");
        List<String> entrypoint = strings(config.path("Entrypoint"));
        assertThat(entrypoint).startsWith("java").contains("dev.onramp.cli.Onramp").anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage"));
        Map<String, String> imageEnv = strings(config.path("Env")).stream()
                .collect(Collectors.toMap(e -> e.substring(0, e.indexOf('=')), e -> e.substring(e.indexOf('=') + 1)));
        Path java = onPath(root, imageEnv.get("PATH"), "java");
        assertThat(java.startsWith(root)).as("the image brings its own java").isTrue();

        List<String> command = new ArrayList<>();
        if (runningAsRoot()) {
            String[] user = config.path("User").asText().split(":");
            command.addAll(List.of("setpriv", "--reuid=" + user[0], "--regid=" + user[1], "--clear-groups"));
        }
        command.add(java.toString());
        for (String argument : entrypoint.subList(1, entrypoint.size())) {
            command.add(argument.startsWith("@/") ? "@" + rooted(root, argument.substring(1)) : argument);
        }
        command.add("ingest");

        int port = FreePorts.pick();
        int adminPort = FreePorts.pick();
        Path log = root.resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.resolve(config.path("WorkingDir").asText().substring(1)).toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(imageEnv);
        builder.environment().putAll(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", STACK.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", STACK.registryUrl(),
                "STRIPE_WEBHOOK_SECRETS", SECRET,
                "PLATFORM_API_KEY", API_KEY,
                "INGEST_HOST", "127.0.0.1",
                "INGEST_PORT", String.valueOf(port),
                "INGEST_ADMIN_PORT", String.valueOf(adminPort),
                "INGEST_TRANSACTIONAL_ID", "image-ingest",
                // Traces on, to a collector that refuses them: the exporter's failure must be a JSON line too.
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort()));
        // OpenTelemetry's own variable, passed through: export each batch after 100 ms instead of 5 s.
        builder.environment().put("OTEL_BSP_SCHEDULE_DELAY", "100");
        Process service = builder.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                assertThat(service.isAlive()).as("the service is running; its log: %s", Files.readString(log)).isTrue();
                return status(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health/ready")).build()) == 200;
            });
            long now = Instant.now().getEpochSecond();
            String body = OnrampEvents.sessionUpdated("evt_image_1", "cos_imagetest0001", "fulfillment_complete", now);
            assertThat(status(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/stripe"))
                    .header("Stripe-Signature", WebhookSigner.header(SECRET, now, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build())).isEqualTo(200);
            // While running (at shutdown java.util.logging resets its handlers, the bridge among them).
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("io.opentelemetry"));
        } finally {
            service.destroy();
        }
        assertThat(service.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).as("JSON logs, one object per line, as the image's LOG_FORMAT says; nothing else").isNotEmpty()
                .allMatch(l -> l.startsWith("{") && l.endsWith("}"));
        String starting = lines.stream().filter(l -> l.contains("starting ingest")).findFirst().orElseThrow();
        assertThat(JSON.readTree(starting).path("level").asText()).isEqualTo("INFO");
        assertThat(lines).anyMatch(l -> l.contains("ingest stopped"));
        assertThat(lines).as("the span exporter's failure (the collector answered 400), through the java.util.logging bridge")
                .anyMatch(l -> l.contains("\"logger_name\":\"io.opentelemetry")
                        && (l.contains("\"level\":\"ERROR\"") || l.contains("\"level\":\"WARN\"")));
    }

    /** Unpacks every layer in the manifest's order (as a container runtime stacks them); returns the image config. */
    private static JsonNode unpack(Path image, Path unpacked, Path root) throws IOException {
        try (InputStream in = Files.newInputStream(image); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            extract(tar, unpacked);
        }
        JsonNode manifest = JSON.readTree(unpacked.resolve("manifest.json").toFile()).get(0);
        List<String> worldWritable = new ArrayList<>();
        for (JsonNode layer : manifest.path("Layers")) {
            try (InputStream in = Files.newInputStream(unpacked.resolve(layer.asText()));
                 TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(in))) {
                worldWritable.addAll(extract(tar, root));
            }
        }
        assertThat(worldWritable).as("nothing in the image is writable by every user").isEmpty();
        return JSON.readTree(unpacked.resolve(manifest.path("Config").asText()).toFile());
    }

    /** Unpacks the tar into the directory; returns the entries (not symbolic links) every user may write. */
    private static List<String> extract(TarArchiveInputStream tar, Path into) throws IOException {
        List<String> worldWritable = new ArrayList<>();
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            Path target = into.resolve(entry.getName()).normalize();
            assertThat(target.startsWith(into)).as("%s stays inside the root", entry.getName()).isTrue();
            if (entry.isDirectory()) {
                Files.createDirectories(target);
            } else if (entry.isSymbolicLink()) {
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
                continue;
            } else {
                Files.createDirectories(target.getParent());
                Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(target, permissions(entry.getMode()));
            if ((entry.getMode() & 0002) != 0) {
                worldWritable.add(entry.getName() + " " + Integer.toOctalString(entry.getMode() & 07777));
            }
        }
        return worldWritable;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (bits.length - 1 - i))) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }

    private static Path onPath(Path root, String path, String program) {
        for (String dir : path.split(":")) {
            Path candidate = rooted(root, dir + "/" + program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
        throw new AssertionError(program + " is not on the image's PATH " + path);
    }

    /** A path inside the image, as seen from here; the classpath file's entries are rewritten the same way. */
    private static Path rooted(Path root, String absolute) {
        Path inside = root.resolve(absolute.substring(1));
        if (inside.getFileName().toString().equals("jib-classpath-file")) {
            try {
                String classpath = Files.readString(inside).trim();
                String moved = List.of(classpath.split(":")).stream().map(p -> root.resolve(p.substring(1)).toString())
                        .collect(Collectors.joining(":"));
                Path rewritten = root.resolve("classpath-from-here");
                Files.writeString(rewritten, moved);
                return rewritten;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return inside;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static boolean runningAsRoot() throws IOException {
        return "0".equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid").toString());
    }

    private static int status(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
