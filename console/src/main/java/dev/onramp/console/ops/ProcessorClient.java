package dev.onramp.console.ops;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.runtime.ApiError;
import io.javalin.http.HttpStatus;

/** A session's state from the processor's query API: whether it ended, which events it applied, when it was first seen. */
public final class ProcessorClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ProcessorClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** The session as the query API shows it; empty when the processor has never seen it. */
    public Optional<SessionSummary> session(String sessionId) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/sessions/" + sessionId))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + apiKey).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unavailable(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted");
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw unavailable("it answered " + response.statusCode());
        }
        try {
            return Optional.of(SessionSummary.of(JSON.readTree(response.body())));
        } catch (IOException e) {
            throw unavailable("its answer was not JSON");
        }
    }

    private static ApiError unavailable(String why) {
        return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "processor_unavailable",
                "the processor's query API could not say where the session stands (" + why + "); retry later");
    }

    /** What the console needs of a session's state. */
    public record SessionSummary(String status, Optional<String> outcome, Instant firstSeen, Set<String> eventIds,
                                 JsonNode view) {
        static SessionSummary of(JsonNode view) {
            Instant firstSeen = Instant.now();
            Set<String> ids = new HashSet<>();
            for (JsonNode change : view.path("history")) {
                ids.add(change.path("event_id").asText());
                Instant received = Instant.parse(change.path("received_at").asText());
                firstSeen = received.isBefore(firstSeen) ? received : firstSeen;
            }
            JsonNode outcome = view.path("outcome");
            return new SessionSummary(view.path("status").asText(),
                    outcome.isObject() ? Optional.of(outcome.path("kind").asText()) : Optional.empty(), firstSeen, Set.copyOf(ids), view);
        }
    }
}
