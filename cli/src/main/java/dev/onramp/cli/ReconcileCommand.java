package dev.onramp.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestMetrics;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.runtime.privacy.RecordSealer;
import dev.onramp.runtime.privacy.SubjectKeys;
import dev.onramp.ingest.mint.StripeOnramp;
import dev.onramp.ingest.reconcile.Reconciler;
import dev.onramp.session.webhook.WebhookMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code onramp reconcile --since}: after an outage of the webhook endpoint longer than Stripe's retries, page through
 * every session Stripe created since then and write each as it is now (source RECONCILIATION), personal fields sealed
 * as ingest seals them. Idempotent: the
 * processor takes what moves a session forward, and ignores the rest.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Backfill from Stripe: every onramp session created since --since, written as Stripe has it now.")
final class ReconcileCommand implements Callable<Integer> {
    private static final int SESSIONS_HELD = 100_000;

    @Option(names = "--since", required = true, description = "ISO-8601 instant, e.g. 2026-11-20T00:00:00Z.")
    Instant since;
    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        IngestConfig config = IngestConfig.fromEnv(kafka.env());
        if (!config.stripe().configured()) {
            System.err.println("set STRIPE_API_KEY (and STRIPE_API_BASE for anything but Stripe itself)");
            return 2;
        }
        try (TransactionalEventWriter writer = new TransactionalEventWriter(kafka.connection().producerConfig(),
                config.transactionalId() + "-reconcile", 1, kafka.connection().registryClient(), Duration.ofSeconds(30))) {
            if (config.sealPersonalData()) {
                writer.sealingWith(RecordSealer.forIngest(new SubjectKeys(SESSIONS_HELD), Clock.systemUTC()));
            }
            Reconciler reconciler = new Reconciler(new StripeOnramp(config.stripe().apiBase(), config.stripe().apiKey(),
                    config.stripe().timeout()), writer, new WebhookMapper(), new IngestMetrics(new SimpleMeterRegistry()),
                    Duration.ofSeconds(30), config.stripe().lookupsPerSecond(), Clock.systemUTC());
            long written = reconciler.backfill(since, System.err);
            System.out.printf("%d sessions created since %s written as Stripe has them now%n", written, since);
        }
        return 0;
    }
}
