package dev.onramp.ingest.mint;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.ingest.IngestMetrics;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.session.webhook.UnmappableWebhook;
import dev.onramp.session.webhook.WebhookMapper;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.BoundedBody;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import dev.onramp.schemas.EventSource;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.Sha256;
import dev.onramp.schemas.Topics;
import io.javalin.http.Context;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/onramp-sessions}: the platform mints a session through the pipeline, so the pipeline knows it from
 * its first second (Stripe sends no webhook at creation) and knows whom to tell. Every rule of the reference is
 * checked first ({@link MintParameters}); then Stripe is called with an {@code Idempotency-Key} derived from the
 * platform's own (a retried mint never creates a second session); then the session (status {@code initialized},
 * without its client secret) and the recipient are written in one transaction; then Stripe's session, with its
 * {@code client_secret}, goes back to the platform: the only place it ever goes.
 *
 * <p>Kept: the session's parameters as Stripe returns them (amounts, networks, currencies, wallet addresses) on
 * {@code onramp.session-events.v1}, and the recipient. Not kept anywhere: {@code customer_information} and
 * {@code customer_ip_address} (Stripe needs them for KYC and geography; the pipeline does not), and the client
 * secret.
 */
public final class MintEndpoint {
    private static final Logger log = LoggerFactory.getLogger(MintEndpoint.class);
    private static final int MAX_BODY_BYTES = 32 * 1024;
    /** Set when the customer's email could not be the session's recipient, saying why. */
    static final String RECIPIENT_SKIPPED_HEADER = "Onramp-Recipient-Skipped";
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final StripeOnramp stripe;
    private final TransactionalEventWriter writer;
    private final WebhookMapper mapper;
    private final IngestMetrics metrics;
    private final OutboundUrlPolicy urls;
    private final Duration kafkaTimeout;
    private final Clock clock;
    /**
     * Mints waiting on Stripe at once. A mint can hold its request thread for several attempts of STRIPE_TIMEOUT while
     * Stripe is slow, and mints share Jetty's threads with Stripe's webhooks: past this many, a mint is answered 503 at
     * once rather than take a thread a webhook needs.
     */
    private final Semaphore inFlight;

    public MintEndpoint(StripeOnramp stripe, TransactionalEventWriter writer, WebhookMapper mapper, IngestMetrics metrics,
                        OutboundUrlPolicy urls, Duration kafkaTimeout, Clock clock, int concurrentMints) {
        this.stripe = stripe;
        this.writer = writer;
        this.mapper = mapper;
        this.metrics = metrics;
        this.urls = urls;
        this.kafkaTimeout = kafkaTimeout;
        this.clock = clock;
        this.inFlight = new Semaphore(concurrentMints);
    }

    public void mint(Context ctx) {
        if (!inFlight.tryAcquire()) {
            log.warn("a mint answered 503: as many mints as MINT_MAX_CONCURRENT allows are waiting on Stripe (is Stripe slow?)");
            refuse(ctx, new MintRefused(503, "api_error", "mint_capacity", null,
                    "too many session creations are waiting on Stripe; retry with the same Idempotency-Key"));
            return;
        }
        try {
            mintWithin(ctx);
        } finally {
            inFlight.release();
        }
    }

    private void mintWithin(Context ctx) {
        try {
            String platformKey = idempotencyKey(ctx);
            JsonNode body = body(ctx);
            Map<String, Object> form = MintParameters.validate(body);
            MintRecipient.Choice recipient = MintRecipient.of(body, urls);
            StripeOnramp.Answer answer = stripe.create(form, "onramp-mint-" + sha256(platformKey));
            if (!(answer instanceof StripeOnramp.Answer.Session minted)) {
                throw refusal(answer);
            }
            record(minted.session(), recipient instanceof MintRecipient.Choice.Recipient r ? Optional.of(r.recipient()) : Optional.empty());
            metrics.mint("minted");
            if (recipient instanceof MintRecipient.Choice.Skipped skipped) {
                // Stripe's session is the body, unchanged; what the pipeline did about the recipient is a header.
                ctx.header(RECIPIENT_SKIPPED_HEADER, skipped.reason());
            }
            ctx.status(200).contentType("application/json").header("Cache-Control", "no-store").result(minted.body());
        } catch (MintRefused refused) {
            refuse(ctx, refused);
        }
    }

    /** Every refusal in Stripe's error shape; a 503 is safe to retry with the same Idempotency-Key, and says when. */
    private void refuse(Context ctx, MintRefused refused) {
        metrics.mint(outcomeOf(refused));
        if (refused.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(refused.status()).json(Map.of("error", errorBody(refused)));
    }

    private static String idempotencyKey(Context ctx) {
        String platformKey = ctx.header("Idempotency-Key");
        if (platformKey == null || platformKey.isBlank() || platformKey.length() > 255) {
            throw new MintRefused(400, "invalid_request_error", "idempotency_key_required", null,
                    "send an Idempotency-Key header (your request id, at most 255 characters): a retried mint must not create a second session");
        }
        return platformKey;
    }

    private static JsonNode body(Context ctx) {
        try {
            return JSON.readTree(BoundedBody.read(ctx, MAX_BODY_BYTES));
        } catch (ApiError e) {
            throw new MintRefused(e.status().getCode(), "invalid_request_error", e.code(), null, e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw MintRefused.invalid(null, "the body must be a JSON object of the session's creation parameters");
        }
    }

    /** The session and its recipient, in one transaction; a failure here is answered 503: retrying is safe. */
    private void record(JsonNode session, Optional<MintRecipient> recipient) {
        String sessionId = session.path("id").asText();
        OnrampSessionEvent event;
        try {
            event = mapper.snapshot(session, EventSource.MINT, "mint_" + sessionId, "onramp.session_minted", clock.instant());
        } catch (UnmappableWebhook e) {
            log.warn("Stripe's answer to a mint could not be read ({}); the session {} exists at Stripe, not here", e.getMessage(), sessionId);
            throw new MintRefused(502, "api_error", "stripe_answer_unreadable", null, "Stripe's answer could not be read; retry later");
        }
        List<ProducerRecord<String, ? extends SpecificRecord>> records = new ArrayList<>();
        records.add(new ProducerRecord<>(Topics.SESSION_EVENTS.name(), sessionId, event));
        recipient.ifPresent(r -> records.add(new ProducerRecord<>(Topics.RECIPIENTS.name(), sessionId, r.toRecord(sessionId, clock.instant()))));
        try {
            writer.write(records, kafkaTimeout);
        } catch (TransactionalEventWriter.WriteFailed e) {
            throw new MintRefused(503, "api_error", "kafka_unavailable", null, "the session was created at Stripe but could not be"
                    + " recorded; retry with the same Idempotency-Key (it returns the same session)");
        }
    }

    private MintRefused refusal(StripeOnramp.Answer answer) {
        if (answer instanceof StripeOnramp.Answer.Refused refused) {
            if (refused.status() == 401) {
                log.warn("Stripe did not accept the pipeline's API key ({} {}): STRIPE_API_KEY is wrong, expired or rolled",
                        refused.status(), refused.code());
                return new MintRefused(502, "api_error", "stripe_authentication", null,
                        "Stripe did not accept this pipeline's API key; the operator must fix STRIPE_API_KEY");
            }
            if (refused.status() == 403 && accountNotEnabled(refused)) {
                log.warn("Stripe says this account is not enabled for the crypto onramp in this mode ({} {}: {}): the onramp application"
                        + " must be approved (live mode), or use a test-mode key", refused.status(), refused.code(), refused.message());
                return new MintRefused(502, "api_error", "stripe_account_not_enabled", null, "the Stripe account behind this pipeline"
                        + " is not enabled for the crypto onramp in this mode; the operator must have the onramp application approved");
            }
            if (refused.status() == 403) {
                log.warn("Stripe refused the pipeline's API key permission to create onramp sessions ({} {}: {}): give the restricted"
                        + " key write access to Crypto Onramp sessions",
                        refused.status(), refused.code(), refused.message());
                return new MintRefused(502, "api_error", "stripe_permission", null, "Stripe does not let this pipeline's API key"
                        + " create onramp sessions; the operator must give the restricted key the onramp permissions");
            }
            if (refused.status() == 429) {
                log.warn("Stripe is rate limiting session creation (after the retries)");
                return new MintRefused(503, "rate_limit_error", "rate_limit", null, "Stripe is rate limiting session creation; retry"
                        + " with the same Idempotency-Key after a pause");
            }
            return new MintRefused(refused.status() == 400 || refused.status() == 402 ? 400 : 502, refused.type(), refused.code(),
                    refused.param(), refused.message());
        }
        StripeOnramp.Answer.Unavailable unavailable = (StripeOnramp.Answer.Unavailable) answer;
        log.warn("minting failed: {}", unavailable.reason());
        return unavailable.status() == 0
                ? new MintRefused(503, "api_error", "stripe_unavailable", null, unavailable.reason() + "; retry with the same Idempotency-Key")
                : new MintRefused(502, "api_error", "stripe_error", null, unavailable.reason() + "; retry with the same Idempotency-Key");
    }

    /**
     * Stripe answers 403 both for a restricted key without the onramp permissions and for an account whose onramp
     * application is not approved for this mode; only its message tells them apart (a permission refusal names the key).
     */
    private static boolean accountNotEnabled(StripeOnramp.Answer.Refused refused) {
        String message = refused.message() == null ? "" : refused.message().toLowerCase(Locale.ROOT);
        return !message.contains("permission") && (message.contains("not enabled") || message.contains("not been approved")
                || message.contains("application"));
    }

    /** The metric's label: a refusal the platform must fix, or which of the operator's problems it is. */
    private static String outcomeOf(MintRefused refused) {
        if (refused.status() == 400) {
            return "refused";
        }
        return switch (refused.code()) {
            case "mint_capacity" -> "busy";
            case "stripe_authentication", "stripe_permission", "stripe_account_not_enabled", "rate_limit", "stripe_error",
                 "stripe_unavailable", "kafka_unavailable" -> refused.code();
            default -> "unavailable";
        };
    }

    private static Map<String, Object> errorBody(MintRefused refused) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", refused.type());
        error.put("code", refused.code());
        error.put("param", refused.param());
        error.put("message", refused.getMessage());
        return error;
    }

    private static String sha256(String value) {
        return HexFormat.of().formatHex(Sha256.of(value));
    }
}
