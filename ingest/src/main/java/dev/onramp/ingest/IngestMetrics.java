package dev.onramp.ingest;

import java.time.Duration;

import dev.onramp.ingest.webhook.SignatureFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** ingest's meters: webhooks by outcome, signature failures by reason, produce latency, recipient calls. */
public final class IngestMetrics {
    private final MeterRegistry registry;
    private final Timer produceLatency;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.produceLatency = Timer.builder("onramp.ingest.produce.latency")
                .description("Time from a verified request to Kafka's commit of its records")
                .publishPercentileHistogram()
                .register(registry);
    }

    /** accepted, ignored_type, refused, dead_lettered, too_large, unavailable. */
    public void webhook(String outcome) {
        Counter.builder("onramp.ingest.webhooks").tag("outcome", outcome)
                .description("Webhook deliveries by outcome").register(registry).increment();
    }

    public void signatureFailure(SignatureFailure failure) {
        Counter.builder("onramp.ingest.signature.failures").tag("reason", failure.code())
                .description("Webhook deliveries refused before anything was written").register(registry).increment();
        webhook("refused");
    }

    public void erasure(String outcome) {
        Counter.builder("onramp.ingest.erasures").tag("outcome", outcome)
                .description("Erasures of a session's personal data, asked through the platform API or on the console: erased, or"
                        + " unavailable (the keys could not be read or Kafka refused the tombstones; the API answered 503, a console"
                        + " request is tried again)").register(registry).increment();
    }

    public void recipient(String outcome) {
        Counter.builder("onramp.ingest.recipient.requests").tag("outcome", outcome).register(registry).increment();
    }

    public void mint(String outcome) {
        Counter.builder("onramp.ingest.mints").tag("outcome", outcome)
                .description("Session mints by outcome: minted, refused (400: the platform's to fix), or the operator's: stripe_authentication,"
                        + " stripe_permission, stripe_account_not_enabled, rate_limit, stripe_error, stripe_unavailable, kafka_unavailable;"
                        + " busy: MINT_MAX_CONCURRENT reached").register(registry).increment();
    }

    public void reconciliation(String outcome) {
        Counter.builder("onramp.ingest.reconciliations").tag("outcome", outcome)
                .description("Sessions looked up at Stripe: written, unknown_at_stripe, failed").register(registry).increment();
    }

    public void redrive(String outcome) {
        Counter.builder("onramp.ingest.redrives").tag("outcome", outcome)
                .description("Webhook redrives asked on the console and carried out by ingest: written, refused (the dead letter"
                        + " gone or still unmappable), failed (Kafka refused the transaction; retried)").register(registry).increment();
    }

    public void produced(Duration latency) {
        produceLatency.record(latency);
    }
}
