package dev.onramp.ingest;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.onramp.runtime.Env;
import dev.onramp.runtime.PlatformKeys;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.net.TrustedProxies;
import dev.onramp.runtime.tracing.TraceExport;

/**
 * Everything ingest reads from the environment, in one place.
 *
 * <ul>
 *   <li>{@code INGEST_ADMIN_PORT} (default 8090): health and metrics, kept off the public port</li>
 *   <li>{@code INGEST_HOST} (default {@code 0.0.0.0}), {@code INGEST_PORT} (default 8080)</li>
 *   <li>{@code STRIPE_WEBHOOK_SECRETS}: comma-separated endpoint secrets ({@code whsec_...}); several during a
 *       rotation. Required.</li>
 *   <li>{@code STRIPE_SIGNATURE_TOLERANCE} (default {@code 300s}; at least 1 s)</li>
 *   <li>{@code PLATFORM_API_KEYS} (comma-separated, for a rotation) or {@code PLATFORM_API_KEY}: bearer keys of the
 *       platform API. Required; each at least 16 characters, 8 of them different.</li>
 *   <li>{@code TRUSTED_PROXIES} (default: none): addresses and CIDR ranges of the proxies in front of ingest whose
 *       {@code X-Forwarded-For} names the client, for counting failed key checks per client</li>
 *   <li>{@code INGEST_KAFKA_TIMEOUT} (default {@code 10s}): how long to wait for Kafka before answering 503</li>
 *   <li>{@code INGEST_TRANSACTIONAL_ID} (default {@code onramp-ingest-<hostname>}): unique per running instance</li>
 *   <li>{@code INGEST_MAX_BODY_BYTES} (default 262144, at most 921600)</li>
 *   <li>{@code INGEST_WRITERS} (default 2): transactional producers committing in parallel</li>
 *   <li>{@code INGEST_COMMIT_LINGER} (default {@code 20ms}): how long a transaction's first request waits for others to
 *       join it; fewer, larger transactions cost the broker much less CPU at moderate rates</li>
 *   <li>{@code INGEST_COMMIT_LINGER_REQUESTS} (default 32): that many requests waiting end the linger early, so that a
 *       long linger does not cap throughput at (connections ÷ linger)</li>
 *   <li>{@code UNSUBSCRIBE_SECRETS} (comma-separated, shared with the notifier; unset: no unsubscribe endpoint): verify
 *       the emails' one-click unsubscribe links</li>
 *   <li>{@code OUTBOUND_ALLOW_PRIVATE_NETWORKS} (false): accept http loopback and private push endpoints and webhook
 *       URLs in the recipient API; {@code onramp dev} sets it, production must not</li>
 *   <li>{@code STRIPE_API_KEY} (unset: minting answers 503 {@code minting_not_configured}), {@code STRIPE_API_BASE}
 *       (default {@code https://api.stripe.com}), {@code STRIPE_TIMEOUT} (default 10s per attempt),
 *       {@code STRIPE_LOOKUPS_PER_SECOND} (default 5: reconciliation's pace, well under Stripe's rate limits)</li>
 *   <li>{@code OTEL_EXPORTER_OTLP_ENDPOINT} (default: none, no traces) and OpenTelemetry's other {@code OTEL_*}
 *       variables: see {@link TraceExport}</li>
 *   <li>plus {@link KafkaConnection}'s variables</li>
 * </ul>
 */
public record IngestConfig(String host, int port, int adminPort, List<String> webhookSecrets, Duration signatureTolerance,
                           PlatformKeys platformKeys, TrustedProxies trustedProxies, Duration kafkaTimeout, String transactionalId, int maxBodyBytes,
                           int writers, Duration commitLinger, int commitLingerRequests, List<String> unsubscribeSecrets,
                           boolean allowPrivateNetworks, Stripe stripe,
                           TraceExport traces, KafkaConnection kafka) {

    /** Stripe's API, for minting and reconciliation; {@code apiKey == null}: not configured. */
    public record Stripe(String apiBase, String apiKey, Duration timeout, double lookupsPerSecond) {
        public boolean configured() {
            return apiKey != null && !apiKey.isBlank();
        }

        @Override
        public String toString() {
            return configured() ? apiBase + " (key " + apiKey.substring(0, Math.min(8, apiKey.length())) + "…)" : "not configured";
        }
    }

    static final int MAX_WRITABLE_BODY = 900 * 1024;

    public static IngestConfig fromEnv(Env env) {
        List<String> secrets = Arrays.stream(env.required("STRIPE_WEBHOOK_SECRETS").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        Duration tolerance = env.duration("STRIPE_SIGNATURE_TOLERANCE", Duration.ofSeconds(300));
        if (tolerance.toSeconds() < 1) {
            throw new IllegalArgumentException("STRIPE_SIGNATURE_TOLERANCE must be at least 1s: 0 would accept replayed webhooks forever");
        }
        return new IngestConfig(
                env.string("INGEST_HOST", "0.0.0.0"),
                env.integer("INGEST_PORT", 8080),
                env.integer("INGEST_ADMIN_PORT", 8090),
                secrets,
                tolerance,
                PlatformKeys.fromEnv(env),
                TrustedProxies.fromEnv(env),
                env.duration("INGEST_KAFKA_TIMEOUT", Duration.ofSeconds(10)),
                env.string("INGEST_TRANSACTIONAL_ID", "onramp-ingest-" + Env.hostname()),
                maxBodyBytes(env),
                env.integer("INGEST_WRITERS", 2),
                commitLinger(env),
                commitLingerRequests(env),
                Arrays.stream(env.string("UNSUBSCRIBE_SECRETS", "").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
                env.flag("OUTBOUND_ALLOW_PRIVATE_NETWORKS", false),
                new Stripe(env.string("STRIPE_API_BASE", "https://api.stripe.com"), env.string("STRIPE_API_KEY", null),
                        env.duration("STRIPE_TIMEOUT", Duration.ofSeconds(10)),
                        Double.parseDouble(env.string("STRIPE_LOOKUPS_PER_SECOND", "5"))),
                TraceExport.fromEnv(env),
                KafkaConnection.fromEnv(env.values()));
    }

    /**
     * The largest body accepted: 256 KiB by default (Stripe's onramp events are a few KB), and never so large that
     * the raw record holding it could exceed Kafka's default 1 MiB message size: an accepted body must be writable.
     */
    private static int maxBodyBytes(Env env) {
        int max = env.integer("INGEST_MAX_BODY_BYTES", 256 * 1024);
        if (max < 1_024 || max > MAX_WRITABLE_BODY) {
            throw new IllegalArgumentException("INGEST_MAX_BODY_BYTES must be between 1024 and " + MAX_WRITABLE_BODY
                    + " (below Kafka's 1 MiB message size with room for the record around it), not " + max);
        }
        return max;
    }

    private static Duration commitLinger(Env env) {
        Duration linger = env.duration("INGEST_COMMIT_LINGER", Duration.ofMillis(20));
        if (linger.isNegative() || linger.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("INGEST_COMMIT_LINGER must be between 0 and 1s (every webhook waits up to it), not " + linger);
        }
        return linger;
    }

    private static int commitLingerRequests(Env env) {
        int requests = env.integer("INGEST_COMMIT_LINGER_REQUESTS", 32);
        if (requests < 1) {
            throw new IllegalArgumentException("INGEST_COMMIT_LINGER_REQUESTS must be at least 1, not " + requests);
        }
        return requests;
    }

    /** Never prints the secrets or the API key. */
    @Override
    public String toString() {
        return "IngestConfig[host=" + host + ", port=" + port + ", webhookSecrets=" + webhookSecrets.size()
                + " configured, signatureTolerance=" + signatureTolerance + ", trustedProxies=" + trustedProxies + ", kafkaTimeout=" + kafkaTimeout
                + ", transactionalId=" + transactionalId + ", maxBodyBytes=" + maxBodyBytes + ", writers=" + writers
                + ", commitLinger=" + commitLinger + " or " + commitLingerRequests + " requests"
                + ", unsubscribeSecrets=" + unsubscribeSecrets.size() + " configured, allowPrivateNetworks=" + allowPrivateNetworks
                + ", stripe=" + stripe
                + ", traces=" + traces + ", kafka=" + kafka.bootstrapServers() + ", registry=" + kafka.schemaRegistryUrl() + "]";
    }
}
