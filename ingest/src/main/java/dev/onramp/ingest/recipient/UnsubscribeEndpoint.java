package dev.onramp.ingest.recipient;

import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import dev.onramp.ingest.IngestMetrics;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.ChannelSuppression;
import dev.onramp.schemas.Sha256;
import dev.onramp.schemas.SuppressionKeys;
import dev.onramp.schemas.SuppressionReason;
import dev.onramp.schemas.Topics;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The unsubscribe link of every email (RFC 8058 one-click): {@code POST /unsubscribe?t=<token>} suppresses email
 * to that address for all its future sessions, by a record on {@code onramp.suppressions.v1}. {@code GET} only
 * shows a button that posts: link scanners and prefetchers follow GETs, and must not unsubscribe anyone.
 *
 * <p>"Recipient" here is the email address: the pipeline has no user accounts, and the token carries only the
 * address's hash, signed with {@code UNSUBSCRIBE_SECRETS}.
 */
public final class UnsubscribeEndpoint {
    private static final String CSS = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;"
            + "color:#1a1a1a}button{font-size:1rem;padding:.6rem 1.2rem;background:#0a2540;color:#fff;border:0;border-radius:4px}";
    private static final String STYLE = "<meta name=viewport content='width=device-width,initial-scale=1'><style>" + CSS + "</style>";
    /**
     * Nothing loads, runs or frames these pages: no script, the one inline style by its hash, the form posts only
     * here, and no other site may put the button in a frame (a click-jacked unsubscribe). The link's token is in the
     * URL, so no referrer leaves the page either.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'sha256-"
            + Base64.getEncoder().encodeToString(Sha256.of(CSS)) + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final List<String> secrets;
    private final TransactionalEventWriter writer;
    private final IngestMetrics metrics;
    private final Duration kafkaTimeout;
    private final Clock clock;

    public UnsubscribeEndpoint(List<String> secrets, TransactionalEventWriter writer, IngestMetrics metrics, Duration kafkaTimeout,
                               Clock clock) {
        this.secrets = secrets;
        this.writer = writer;
        this.metrics = metrics;
        this.kafkaTimeout = kafkaTimeout;
        this.clock = clock;
    }

    public void confirm(Context ctx) {
        if (verified(ctx).isEmpty()) {
            page(ctx, HttpStatus.BAD_REQUEST, "This unsubscribe link is not valid", "It may have been cut short by your email app.");
            return;
        }
        // The token only goes back to where it came from; no user-supplied text is echoed.
        String token = ctx.queryParam("t");
        html(ctx, HttpStatus.OK).result("<!doctype html><html lang=en><title>Unsubscribe</title>" + STYLE
                        + "<h1>Stop emails about crypto purchases?</h1>"
                        + "<p>You will get no more emails from us at this address about your purchases.</p>"
                        + "<form method=post action='/unsubscribe?t=" + token + "'><button type=submit>Unsubscribe</button></form>");
    }

    public void unsubscribe(Context ctx) {
        Optional<String> hash = verified(ctx);
        if (hash.isEmpty()) {
            metrics.recipient("unsubscribe_refused");
            page(ctx, HttpStatus.BAD_REQUEST, "This unsubscribe link is not valid", "It may have been cut short by your email app.");
            return;
        }
        ChannelSuppression suppression = ChannelSuppression.newBuilder()
                .setChannel(Channel.EMAIL)
                .setAddressHash(hash.get())
                .setReason(SuppressionReason.UNSUBSCRIBED)
                .setDetail("unsubscribe link")
                .setAt(clock.instant())
                .build();
        try {
            writer.write(List.of(new ProducerRecord<>(Topics.SUPPRESSIONS.name(), Channel.EMAIL.name() + ":" + hash.get(), suppression)),
                    kafkaTimeout);
        } catch (TransactionalEventWriter.WriteFailed e) {
            metrics.recipient("unavailable");
            page(ctx, HttpStatus.SERVICE_UNAVAILABLE, "Please try again in a minute", "We could not record your choice just now.");
            return;
        }
        metrics.recipient("unsubscribed");
        page(ctx, HttpStatus.OK, "You are unsubscribed", "We will not email this address about crypto purchases again.");
    }

    private Optional<String> verified(Context ctx) {
        String token = ctx.queryParam("t");
        return token == null || !token.matches("[A-Za-z0-9_-]{43}\\.[A-Za-z0-9_-]{43}") ? Optional.empty()
                : SuppressionKeys.verifyUnsubscribeToken(secrets, token);
    }

    private static void page(Context ctx, HttpStatus status, String heading, String text) {
        html(ctx, status).result("<!doctype html><html lang=en><title>" + heading + "</title>" + STYLE
                + "<h1>" + heading + "</h1><p>" + text + "</p>");
    }

    private static Context html(Context ctx, HttpStatus status) {
        return ctx.status(status).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store")
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY).header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer").header("X-Content-Type-Options", "nosniff");
    }
}
