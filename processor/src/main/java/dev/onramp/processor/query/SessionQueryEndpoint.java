package dev.onramp.processor.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.onramp.processor.session.SessionStore;
import dev.onramp.processor.session.SessionTopology;
import dev.onramp.runtime.ApiError;
import dev.onramp.schemas.SessionIds;
import dev.onramp.schemas.SessionState;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /v1/sessions/{session_id}}: the seed's {@code GET /v1/crypto/onramp_sessions/:id}, from our own state.
 * Any instance answers: a session held by another instance is fetched from it ({@code queryMetadataForKey}).
 */
public final class SessionQueryEndpoint {
    /** Set on a forwarded request so that a stale routing table cannot bounce a request back and forth. */
    private static final String FORWARDED = "X-Onramp-Forwarded";

    private final KafkaStreams streams;
    private final HostInfo self;
    private final String scheme;
    private final PeerSignature peers;
    private final Serde<SessionState> stateSerde;
    private final Duration retention;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code scheme}: this instance's advertised scheme, which every instance of the application shares. */
    public SessionQueryEndpoint(KafkaStreams streams, HostInfo self, String scheme, PeerSignature peers,
                                Serde<SessionState> stateSerde, Duration retention) {
        this.streams = streams;
        this.retention = retention;
        this.stateSerde = stateSerde;
        this.self = self;
        this.scheme = scheme;
        this.peers = peers;
    }

    public void get(Context ctx) {
        String sessionId = ctx.pathParam("session_id");
        if (!SessionIds.isValid(sessionId)) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_session_id",
                    "session id must look like cos_ followed by 8 to 64 letters or digits");
        }
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw rebalancing();
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(SessionTopology.SESSIONS_STORE, sessionId, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw rebalancing();
        }
        HostInfo owner = metadata.activeHost();
        if (!owner.equals(self) && ctx.header(FORWARDED) == null) {
            forward(ctx, owner, sessionId);
            return;
        }
        SessionState state;
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                    SessionTopology.SESSIONS_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
            state = SessionStore.get(store, stateSerde, sessionId);
        } catch (InvalidStateStoreException e) {
            throw rebalancing();
        }
        if (state == null) {
            // Not held: never seen, or retired (not heard of for the retention); its history stays on the topics.
            throw new ApiError(HttpStatus.NOT_FOUND, "session_not_found", "no session " + sessionId + " has been heard of in the last "
                    + retention.toDays() + " days (SESSION_RETENTION); an older session's history is in the audit");
        }
        ctx.json(SessionView.of(state));
    }

    private void forward(Context ctx, HostInfo owner, String sessionId) {
        String path = "/v1/sessions/" + sessionId;
        HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + owner.host() + ":" + owner.port() + path))
                .timeout(Duration.ofSeconds(5))
                .header(PeerSignature.HEADER, peers.sign(path))
                .header(FORWARDED, "1")
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            ctx.status(response.statusCode()).contentType("application/json").result(response.body());
        } catch (IOException e) {
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "owner_unreachable", "the instance holding this session does not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "interrupted", "interrupted");
        }
    }

    private static ApiError rebalancing() {
        return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "rebalancing", "session state is being rebalanced; retry shortly");
    }
}
