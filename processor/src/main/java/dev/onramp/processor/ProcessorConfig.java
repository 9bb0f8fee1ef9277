package dev.onramp.processor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.onramp.session.state.SessionSettings;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.PlatformKeys;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.net.TrustedProxies;
import dev.onramp.runtime.tracing.TraceExport;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything processor reads from the environment, in one place. Each variable, its default and its meaning are documented
 * in docs/configuration.md (the "processor" and "All services" sections), which {@code ConfigurationDocTest} checks
 * against what this class reads.
 */
public record ProcessorConfig(String host, int port, int adminPort, String advertisedUrl, String applicationId, String instanceId,
                              Path stateDir, int threads, SessionSettings settings, PlatformKeys platformKeys,
                              TrustedProxies trustedProxies, byte[] peerSecret,
                              TraceExport traces, KafkaConnection kafka) {

    public static ProcessorConfig fromEnv(Env env) {
        int port = env.integer("PROCESSOR_PORT", 8081);
        PlatformKeys keys = PlatformKeys.fromEnv(env);
        SessionSettings settings = settingsFromEnv(env);
        return new ProcessorConfig(
                env.string("PROCESSOR_HOST", "0.0.0.0"),
                port,
                env.integer("PROCESSOR_ADMIN_PORT", -1),
                env.string("PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + port),
                env.string("PROCESSOR_APPLICATION_ID", "onramp-processor"),
                env.string("PROCESSOR_INSTANCE_ID", Env.hostname()),
                Path.of(env.string("PROCESSOR_STATE_DIR", "./data/processor-state")),
                env.integer("PROCESSOR_THREADS", 1),
                settings,
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
    public static SessionSettings settingsFromEnv(Env env) {
        SessionSettings defaults = SessionSettings.defaults();
        SessionSettings settings = new SessionSettings(
                env.duration("DEDUP_HORIZON", defaults.dedupHorizon()),
                env.duration("STALL_THRESHOLD", defaults.stallThreshold()),
                env.duration("STALL_CHECK_INTERVAL", defaults.stallCheckInterval()),
                env.duration("MINT_SILENCE_THRESHOLD", defaults.mintSilenceThreshold()),
                env.duration("QUIET_THRESHOLD", defaults.quietThreshold()),
                env.duration("LOOKUP_HORIZON", defaults.lookupHorizon()),
                env.duration("SESSION_RETENTION", defaults.sessionRetention()));
        if (settings.lookupHorizon().compareTo(Duration.ofDays(3)) <= 0) {
            throw new IllegalArgumentException("LOOKUP_HORIZON must be longer than Stripe's 3-day retry window: a session"
                    + " whose webhooks Stripe still retries is not given up on");
        }
        if (settings.dedupHorizon().compareTo(Duration.ofDays(3)) <= 0) {
            throw new IllegalArgumentException("DEDUP_HORIZON must be longer than Stripe's 3-day retry window");
        }
        return settings;
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
                + ", instanceId=" + instanceId + ", stateDir=" + stateDir + ", threads=" + threads + ", settings=" + settings
                + ", traces=" + traces + ", kafka=" + kafka.bootstrapServers() + ", registry=" + kafka.schemaRegistryUrl() + "]";
    }
}
