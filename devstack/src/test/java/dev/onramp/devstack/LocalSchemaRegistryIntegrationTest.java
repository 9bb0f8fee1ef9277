package dev.onramp.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The dev registry across a start whose parent was SIGKILLed: the registry it left behind must not block the next. */
class LocalSchemaRegistryIntegrationTest {
    private static final String SCHEMA = "{\"schema\": \"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Left\\\",\\\"fields\\\":[]}\"}";

    @Test
    void aRegistryLeftBehindIsStoppedAndItsSchemasKept() throws Exception {
        Path data = Files.createTempDirectory("registry-left-behind");
        LocalSchemaRegistry leftBehind = LocalSchemaRegistry.startPersistent(data, FreePorts.pick());
        String registered = post(leftBehind.url() + "/subjects/left-value/versions", SCHEMA);
        long pid = Long.parseLong(Files.readString(data.resolve("registry.pid")).trim());
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid);
        assertThat(orphan).isPresent();

        // Not stopped: as if the JVM that started it had been killed.
        try (LocalSchemaRegistry next = LocalSchemaRegistry.startPersistent(data, FreePorts.pick())) {
            assertThat(orphan.get().isAlive()).as("the one left behind is stopped").isFalse();
            String again = post(next.url() + "/subjects/left-value/versions", SCHEMA);
            assertThat(again).as("same id: the database survived").isEqualTo(registered);
        }
        assertThat(data.resolve("registry.pid")).doesNotExist();
    }

    private static String post(String url, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
