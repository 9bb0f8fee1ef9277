package dev.onramp.processor.query;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import dev.onramp.processor.session.SessionStore;
import dev.onramp.processor.session.SessionTopology;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.SessionIdParam;
import dev.onramp.runtime.privacy.KeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.schemas.SessionState;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * {@code GET /v1/sessions/{session_id}}: the seed's {@code GET /v1/crypto/onramp_sessions/:id}, from our own state.
 * Any instance answers: a session held by another instance is fetched from it ({@code queryMetadataForKey}), from
 * the active copy when it answers, else from a standby replica's.
 */
public final class SessionQueryEndpoint {
    /** Set on a forwarded request so that a stale routing table cannot bounce a request back and forth. */
    private static final String FORWARDED = "X-Onramp-Forwarded";
    /** How long a request waits for the group to settle before it is answered 503. */
    private static final Duration FAILOVER_WAIT = Duration.ofSeconds(5);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final String scheme;
    private final PeerSignature peers;
    private final Serde<SessionState> stateSerde;
    private final Duration retention;
    /** Opens the sealed transaction details: the platform reads its own user's session in clear. */
    private final KeyStore keys;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code scheme}: this instance's advertised scheme, which every instance of the application shares. */
    public SessionQueryEndpoint(KafkaStreams streams, HostInfo self, String scheme, PeerSignature peers,
                                Serde<SessionState> stateSerde, Duration retention, KeyStore keys) {
        this.keys = keys;
        this.streams = streams;
        this.retention = retention;
        this.stateSerde = stateSerde;
        this.self = self;
        this.scheme = scheme;
        this.peers = peers;
    }

    public void get(Context ctx) {
        String sessionId = SessionIdParam.checked(ctx.pathParam("session_id"));
        // While the group moves tasks (an instance gone, a rolling restart) no copy may answer for a second or two;
        // the routing is read again until one does, so a caller sees a slower answer rather than a 503.
        long deadline = System.nanoTime() + FAILOVER_WAIT.toNanos();
        while (true) {
            try {
                answerOnce(ctx, sessionId);
                return;
            } catch (ApiError e) {
                if (e.status() != HttpStatus.SERVICE_UNAVAILABLE || ctx.header(FORWARDED) != null || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw rebalancing();
            }
        }
    }

    private void answerOnce(Context ctx, String sessionId) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw rebalancing();
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(SessionTopology.SESSIONS_STORE, sessionId, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw rebalancing();
        }
        route(ctx, sessionId, metadata, state == KafkaStreams.State.RUNNING);
    }

    private void route(Context ctx, String sessionId, KeyQueryMetadata metadata, boolean running) {
        boolean forwarded = ctx.header(FORWARDED) != null;
        HostInfo active = metadata.activeHost();
        boolean heldHere = active.equals(self) || metadata.standbyHosts().contains(self);
        // Only the active copy of a running instance may say "no such session": a standby's, or a copy still being
        // restored, may not have replayed it yet. Any copy that has the session may show it (a standby trails the
        // active by what its changelog has not yet replayed), so while the active's instance is gone or the group
        // rebalances a standby answers instead of a 503.
        boolean authoritative = active.equals(self) && running;
        LocalCopy local = heldHere ? readLocal(sessionId, metadata.partition(), authoritative) : new LocalCopy.Absent();
        if (authoritative || forwarded) {
            answer(ctx, sessionId, local, authoritative);
            return;
        }
        if (!active.equals(self) && relayed(ctx, active, sessionId)) {
            return;
        }
        if (local instanceof LocalCopy.Found) {
            answer(ctx, sessionId, local, false);
            return;
        }
        for (HostInfo standby : metadata.standbyHosts()) {
            if (!standby.equals(self) && relayed(ctx, standby, sessionId)) {
                return;
            }
        }
        throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "owner_unreachable", "no instance holding this session answers; retry shortly");
    }

    /** What this instance's copy of a session's partition says of it. */
    private sealed interface LocalCopy {
        record Found(SessionState state) implements LocalCopy {
        }

        /** The copy does not hold it: never seen, or retired (not heard of for the retention). */
        record NotHeld() implements LocalCopy {
        }

        /** No copy to read here now that can tell: being restored, or moved away since the routing table was read. */
        record Absent() implements LocalCopy {
        }
    }

    private LocalCopy readLocal(String sessionId, int partition, boolean authoritative) {
        try {
            ReadOnlyKeyValueStore<String, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                    SessionTopology.SESSIONS_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore())
                    .withPartition(partition).enableStaleStores());
            SessionState state = SessionStore.get(store, stateSerde, sessionId);
            if (state != null) {
                return new LocalCopy.Found(state);
            }
            return !authoritative || caughtUp(partition) ? new LocalCopy.NotHeld() : new LocalCopy.Absent();
        } catch (InvalidStateStoreException e) {
            return new LocalCopy.Absent();
        }
    }

    /**
     * Whether this instance's copy of the partition holds everything its changelog does. The routing table can name
     * this instance the partition's active a moment before its thread takes the task over (the copy read is then
     * still the standby's, behind), and an active copy is readable while it is restored; so "not in the copy" means
     * "not heard of" only once the copy has caught up. Asked only before a 404: it costs a round trip to the brokers.
     */
    private boolean caughtUp(int partition) {
        try {
            LagInfo lag = streams.allLocalStorePartitionLags()
                    .getOrDefault(SessionTopology.SESSIONS_STORE, Map.of()).get(partition);
            return lag != null && lag.offsetLag() == 0;
        } catch (KafkaException e) {
            return false;
        }
    }

    private void answer(Context ctx, String sessionId, LocalCopy local, boolean authoritative) {
        if (local instanceof LocalCopy.Found found) {
            ctx.json(SessionView.of(PersonalFields.open(found.state(), keys)));
        } else if (local instanceof LocalCopy.NotHeld && authoritative) {
            // Its history stays on the topics.
            throw new ApiError(HttpStatus.NOT_FOUND, "session_not_found", "no session " + sessionId + " has been heard of in the last "
                    + retention.toDays() + " days (SESSION_RETENTION); an older session's history is in the audit");
        } else {
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "not_authoritative",
                    "this instance's copy of the session's partition cannot tell now; retry shortly");
        }
    }

    /** Asks another holder; false when it does not answer or answers 5xx, so that the next holder is tried. */
    private boolean relayed(Context ctx, HostInfo holder, String sessionId) {
        String path = "/v1/sessions/" + sessionId;
        HttpRequest request = HttpRequest.newBuilder(URI.create(scheme + "://" + holder.host() + ":" + holder.port() + path))
                .timeout(Duration.ofSeconds(5))
                .header(PeerSignature.HEADER, peers.sign(path))
                .header(FORWARDED, "1")
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                return false;
            }
            ctx.status(response.statusCode()).contentType("application/json").result(response.body());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "interrupted", "interrupted");
        }
    }

    private static ApiError rebalancing() {
        return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "rebalancing", "session state is being rebalanced; retry shortly");
    }
}
