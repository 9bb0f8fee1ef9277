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
 * Everything ingest reads from the environment, in one place. Each variable, its default and its meaning are documented
 * in docs/configuration.md (the "ingest" and "All services" sections), which {@code ConfigurationDocTest} checks
 * against what this class reads.
 */
public record IngestConfig(String host, int port, int adminPort, List<String> webhookSecrets, Duration signatureTolerance,
                           PlatformKeys platformKeys, TrustedProxies trustedProxies, Duration kafkaTimeout, String transactionalId, int maxBodyBytes,
                           int writers, Duration commitLinger, int commitLingerRequests, List<String> unsubscribeSecrets,
                           boolean allowPrivateNetworks, boolean sealPersonalData, Stripe stripe,
                           TraceExport traces, KafkaConnection kafka) {

    /** Stripe's API, for minting and reconciliation; {@code apiKey == null}: not configured. */
    public record Stripe(String apiBase, String apiKey, Duration timeout, double lookupsPerSecond, int concurrentMints) {
        public boolean configured() {
            return apiKey != null && !apiKey.isBlank();
        }

        @Override
        public String toString() {
            return configured() ? apiBase + " (key " + apiKey.substring(0, Math.min(8, apiKey.length())) + "…)" : "not configured";
        }
    }

    static final int MAX_WRITABLE_BODY = 700 * 1024;

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
                env.flag("PERSONAL_DATA_SEALING", true),
                new Stripe(env.string("STRIPE_API_BASE", "https://api.stripe.com"), env.string("STRIPE_API_KEY", null),
                        env.duration("STRIPE_TIMEOUT", Duration.ofSeconds(10)),
                        Double.parseDouble(env.string("STRIPE_LOOKUPS_PER_SECOND", "5")),
                        Math.max(1, env.integer("MINT_MAX_CONCURRENT", 32))),
                TraceExport.fromEnv(env),
                KafkaConnection.fromEnv(env.values()));
    }

    /**
     * The largest body accepted: 256 KiB by default (Stripe's onramp events are a few KB), and never so large that
     * the raw record holding it could exceed Kafka's default 1 MiB message size: an accepted body must be writable, also
     * sealed (base64 makes it a third larger).
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
