package dev.onramp.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.ingest.erasure.ErasureEndpoint;
import dev.onramp.ingest.erasure.ErasureRequests;
import dev.onramp.ingest.mint.MintEndpoint;
import dev.onramp.ingest.mint.StripeOnramp;
import dev.onramp.ingest.recipient.RecipientEndpoint;
import dev.onramp.ingest.recipient.UnsubscribeEndpoint;
import dev.onramp.ingest.reconcile.Reconciler;
import dev.onramp.ingest.redrive.WebhookRedrives;
import dev.onramp.session.webhook.ClientSecretRedactor;
import dev.onramp.ingest.webhook.SignatureVerifier;
import dev.onramp.session.webhook.SignedJson;
import dev.onramp.ingest.webhook.WebhookEndpoint;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.runtime.BearerAuth;
import dev.onramp.runtime.DependencyChecks;
import dev.onramp.runtime.HealthCheck;
import dev.onramp.runtime.Service;
import dev.onramp.runtime.ServiceHttp;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.RecordSealer;
import dev.onramp.ingest.erasure.SubjectErasure;
import dev.onramp.runtime.privacy.SubjectKeys;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;

/** Wires ingest together: contracts, writer, endpoints, operations. {@link #close()} stops it gracefully. */
public final class IngestService implements AutoCloseable {
    private static final Duration REGISTRY_GRACE = Duration.ofMinutes(2);
    /** Reconciliation failing this long (Stripe away, a wrong key) is reported DEGRADED: ingest still takes webhooks. */
    private static final Duration RECONCILIATION_DEGRADED_AFTER = Duration.ofMinutes(5);
    /** Sessions whose data key an instance holds; one it forgot gets a new key (one more small record). */
    private static final int SUBJECT_KEYS_HELD = 100_000;
    private static final Duration KEY_REFRESH = Duration.ofSeconds(5);

    private final Service service;
    private final ServiceHttp http;

    private IngestService(Service service, ServiceHttp http) {
        this.service = service;
        this.http = http;
    }

    public static IngestService start(IngestConfig config) {
        return start(config, Clock.systemUTC());
    }

    public static IngestService start(IngestConfig config, Clock clock) {
        return start(config, clock, Tracing.start(config.traces(), "ingest"));
    }

    public static IngestService start(IngestConfig config, Clock clock, Tracing tracing) {
        return Service.start("ingest", config, config.kafka(), tracing, service -> {
            ObjectMapper json = SignedJson.mapper();
            IngestMetrics metrics = new IngestMetrics(service.metrics());
            TransactionalEventWriter writer = service.own(new TransactionalEventWriter(
                    config.kafka().producerConfig(), config.transactionalId(), config.writers(), service.registry(), config.kafkaTimeout(),
                    config.commitLinger(), config.commitLingerRequests()));
            SubjectKeys subjectKeys = new SubjectKeys(SUBJECT_KEYS_HELD);
            RecordSealer sealer = config.sealPersonalData() ? RecordSealer.forIngest(subjectKeys, clock) : RecordSealer.NONE;
            writer.sealingWith(sealer);
            WebhookEndpoint webhooks = new WebhookEndpoint(
                    new SignatureVerifier(config.webhookSecrets(), config.signatureTolerance(), clock),
                    new ClientSecretRedactor(json), new WebhookMapper(), writer, metrics,
                    config.kafkaTimeout(), config.maxBodyBytes(), clock, service.tracing());
            RecipientEndpoint recipients = new RecipientEndpoint(writer, metrics, json, config.kafkaTimeout(), clock,
                    OutboundUrlPolicy.of(config.allowPrivateNetworks()));
            BearerAuth auth = new BearerAuth(config.platformKeys(), config.trustedProxies());
            StripeOnramp stripe = config.stripe().configured()
                    ? new StripeOnramp(config.stripe().apiBase(), config.stripe().apiKey(), config.stripe().timeout()) : null;
            Reconciler reconciler = stripe == null ? null : service.own(new Reconciler(stripe, writer, new WebhookMapper(), metrics,
                    config.kafkaTimeout(), config.stripe().lookupsPerSecond(), clock));

            List<HealthCheck> ready = new ArrayList<>(List.of(DependencyChecks.kafka(service.admin()),
                    // Writes go on with the schema ids the serializers hold, so a registry blip does not take ingest out.
                    DependencyChecks.registry(service.registry(), Topics.WEBHOOKS_RAW.valueSubject())
                            .toleratingFailuresFor(REGISTRY_GRACE, System::nanoTime)));
            if (reconciler != null) {
                ready.add(reconciler.health(RECONCILIATION_DEGRADED_AFTER));
            }
            ServiceHttp http = service.http(List.of(), ready, true);
            http.app().post("/webhooks/stripe", webhooks);
            http.app().before("/v1/*", auth);
            http.app().put("/v1/sessions/{session_id}/recipient", recipients::put);
            http.app().delete("/v1/sessions/{session_id}/recipient", recipients::delete);
            KafkaKeyStore keyStore = service.own(new KafkaKeyStore(config.kafka().clientConfig(),
                    new RegistryAvroDeserializer<>(SubjectKey.class, service.registry()), KEY_REFRESH));
            SubjectErasure erasure = new SubjectErasure(keyStore, writer, config.kafkaTimeout());
            http.app().delete("/v1/sessions/{session_id}/personal-data", new ErasureEndpoint(erasure, subjectKeys, metrics)::erase);
            if (stripe != null) {
                MintEndpoint mints = new MintEndpoint(stripe, writer, new WebhookMapper(), metrics,
                        OutboundUrlPolicy.of(config.allowPrivateNetworks()), config.kafkaTimeout(), clock, config.stripe().concurrentMints());
                http.app().post("/v1/onramp-sessions", mints::mint);
                // Several ingest instances share the group: each alert is looked up once.
                reconciler.followAlerts(config.kafka(), "onramp-ingest-reconciler");
            } else {
                http.app().post("/v1/onramp-sessions", ctx -> ctx.status(503).json(Map.of("error", Map.of(
                        "type", "api_error", "code", "minting_not_configured", "message", "set STRIPE_API_KEY to mint sessions"))));
            }
            if (!config.unsubscribeSecrets().isEmpty()) {
                UnsubscribeEndpoint unsubscribe = new UnsubscribeEndpoint(config.unsubscribeSecrets(), writer, metrics,
                        config.kafkaTimeout(), clock);
                http.app().get("/unsubscribe", unsubscribe::confirm);
                http.app().post("/unsubscribe", unsubscribe::unsubscribe);
            }
            service.own(new WebhookRedrives(config.kafka(), config.transactionalId() + "-redrives", new ClientSecretRedactor(json),
                    sealer, metrics));
            service.own(new ErasureRequests(config.kafka(), config.transactionalId() + "-erasures", erasure, subjectKeys, metrics));
            http.start(config.host(), config.port(), config.adminPort());
            return new IngestService(service, http);
        });
    }

    public int port() {
        return http.port();
    }

    public int adminPort() {
        return http.adminPort();
    }

    /** Stops accepting, lets in-flight requests finish, then flushes and closes the producer. */
    @Override
    public void close() {
        service.close();
    }
}
