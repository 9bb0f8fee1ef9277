package dev.onramp.processor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.onramp.processor.session.SessionRules;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.PlatformKeys;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.net.TrustedProxies;
import dev.onramp.runtime.tracing.TraceExport;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the processor reads from the environment, in one place.
 *
 * <ul>
 *   <li>{@code PROCESSOR_HOST} (default {@code 0.0.0.0}), {@code PROCESSOR_PORT} (default 8081): the query API</li>
 *   <li>{@code PROCESSOR_ADMIN_PORT} (default: none, health and metrics on the query API's port): a port of their own</li>
 *   <li>{@code PROCESSOR_ADVERTISED_URL} (default {@code http://127.0.0.1:<port>}): how other instances reach
 *       this one's query API ({@code application.server})</li>
 *   <li>{@code PROCESSOR_APPLICATION_ID} (default {@code onramp-processor})</li>
 *   <li>{@code PROCESSOR_INSTANCE_ID} (default: the host name): static group membership, unique per running
 *       instance and the same across its restarts</li>
 *   <li>{@code PROCESSOR_STATE_DIR} (default {@code ./data/processor-state})</li>
 *   <li>{@code PROCESSOR_THREADS} (default 1)</li>
 *   <li>{@code DEDUP_HORIZON} (default {@code 7d}), {@code STALL_THRESHOLD} (default {@code 30m}),
 *       {@code STALL_CHECK_INTERVAL} (default {@code 1m}), {@code MINT_SILENCE_THRESHOLD} (default {@code 1h}: a minted
 *       session still initialized after it is looked up at Stripe, up to three times)</li>
 *   <li>{@code SESSION_RETENTION} (default {@code 30d}, at least {@code DEDUP_HORIZON}): a session leaves the state
 *       store this long after it was last heard of, ended or not (see processor/README.md, "Bounded state")</li>
 *   <li>{@code PLATFORM_API_KEYS} or {@code PLATFORM_API_KEY}: bearer keys of the query API, as for ingest. Required.</li>
 *   <li>{@code TRUSTED_PROXIES} (default: none): the proxies whose {@code X-Forwarded-For} is believed, as for ingest</li>
 *   <li>{@code PROCESSOR_PEER_SECRET} (default: derived from the first platform key): signs queries one instance
 *       forwards to another, so the caller's key is never passed on</li>
 *   <li>{@code OTEL_EXPORTER_OTLP_ENDPOINT} (default: none, no traces) and OpenTelemetry's other {@code OTEL_*}
 *       variables: see {@link TraceExport}</li>
 *   <li>plus {@link KafkaConnection}'s variables</li>
 * </ul>
 */
public record ProcessorConfig(String host, int port, int adminPort, String advertisedUrl, String applicationId, String instanceId,
                              Path stateDir, int threads, SessionRules rules, PlatformKeys platformKeys,
                              TrustedProxies trustedProxies, byte[] peerSecret,
                              TraceExport traces, KafkaConnection kafka) {

    public static ProcessorConfig fromEnv(Env env) {
        int port = env.integer("PROCESSOR_PORT", 8081);
        PlatformKeys keys = PlatformKeys.fromEnv(env);
        SessionRules rules = rulesFromEnv(env);
        return new ProcessorConfig(
                env.string("PROCESSOR_HOST", "0.0.0.0"),
                port,
                env.integer("PROCESSOR_ADMIN_PORT", -1),
                env.string("PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + port),
                env.string("PROCESSOR_APPLICATION_ID", "onramp-processor"),
                env.string("PROCESSOR_INSTANCE_ID", Env.hostname()),
                Path.of(env.string("PROCESSOR_STATE_DIR", "./data/processor-state")),
                env.integer("PROCESSOR_THREADS", 1),
                rules,
                keys,
                TrustedProxies.fromEnv(env),
                peerSecret(env, keys),
                TraceExport.fromEnv(env),
                KafkaConnection.fromEnv(env.values()));
    }

    /**
     * {@code PROCESSOR_PEER_SECRET} (at least 16 characters), or one derived from the first platform key: what
     * instances sign their forwarded queries with instead of passing on the caller's key.
     */
    private static byte[] peerSecret(Env env, PlatformKeys keys) {
        String configured = env.string("PROCESSOR_PEER_SECRET", null);
        if (configured == null) {
            return keys.derive("onramp-processor-peer");
        }
        if (configured.length() < 16) {
            throw new IllegalArgumentException("PROCESSOR_PEER_SECRET must be at least 16 characters");
        }
        return configured.getBytes(StandardCharsets.UTF_8);
    }

    /** The session rules' settings alone: {@code onramp replay} runs the rules with the processor's settings. */
    public static SessionRules rulesFromEnv(Env env) {
        SessionRules defaults = SessionRules.defaults();
        SessionRules rules = new SessionRules(
                env.duration("DEDUP_HORIZON", defaults.dedupHorizon()),
                env.duration("STALL_THRESHOLD", defaults.stallThreshold()),
                env.duration("STALL_CHECK_INTERVAL", defaults.stallCheckInterval()),
                env.duration("MINT_SILENCE_THRESHOLD", defaults.mintSilenceThreshold()),
                env.duration("SESSION_RETENTION", defaults.sessionRetention()));
        if (rules.dedupHorizon().compareTo(Duration.ofDays(3)) <= 0) {
            throw new IllegalArgumentException("DEDUP_HORIZON must be longer than Stripe's 3-day retry window");
        }
        return rules;
    }

    /** Kafka Streams settings: the shared ones (exactly-once v2, ...) plus threads and the advertised query address. */
    public Map<String, Object> streamsConfig(String advertisedHostPort) {
        Map<String, Object> config = StreamsApp.baseConfig(kafka, applicationId, stateDir, instanceId);
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        config.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedHostPort);
        return config;
    }

    @Override
    public String toString() {
        return "ProcessorConfig[port=" + port + ", advertisedUrl=" + advertisedUrl + ", applicationId=" + applicationId
                + ", instanceId=" + instanceId + ", stateDir=" + stateDir + ", threads=" + threads + ", rules=" + rules
                + ", traces=" + traces + ", kafka=" + kafka.bootstrapServers() + ", registry=" + kafka.schemaRegistryUrl() + "]";
    }
}
