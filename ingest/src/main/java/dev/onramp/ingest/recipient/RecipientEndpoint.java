package dev.onramp.ingest.recipient;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.ingest.IngestMetrics;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.BoundedBody;
import dev.onramp.runtime.SessionIdParam;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.Topics;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The platform API: {@code PUT /v1/sessions/{id}/recipient} records who is told about the session's outcome and
 * by which channels ({@code email}, {@code push_subscription}, {@code webhook_url}: a channel left out is not used),
 * {@code DELETE} removes it with a tombstone on the compacted {@code onramp.recipients.v1}. This is the seed's
 * "link OnrampSession to your user object" for platforms that mint sessions elsewhere.
 */
public final class RecipientEndpoint {
    private static final int MAX_BODY_BYTES = 16 * 1024;
    private final TransactionalEventWriter writer;
    private final IngestMetrics metrics;
    private final ObjectMapper json;
    private final Duration kafkaTimeout;
    private final Clock clock;
    private final OutboundUrlPolicy urls;

    public RecipientEndpoint(TransactionalEventWriter writer, IngestMetrics metrics, ObjectMapper json,
                             Duration kafkaTimeout, Clock clock, OutboundUrlPolicy urls) {
        this.urls = urls;
        this.writer = writer;
        this.metrics = metrics;
        this.json = json;
        this.kafkaTimeout = kafkaTimeout;
        this.clock = clock;
    }

    public void put(Context ctx) {
        String sessionId = SessionIdParam.checked(ctx.pathParam("session_id"));
        // An email, a push subscription, a URL and a locale: about a kilobyte. The platform API is behind the key, but bounded all the same.
        byte[] bytes = BoundedBody.read(ctx, MAX_BODY_BYTES);
        JsonNode body;
        try {
            body = json.readTree(bytes);
        } catch (Exception e) {
            throw invalid("body must be a JSON object with email, push_subscription and/or webhook_url, and locale");
        }
        if (body == null || !body.isObject()) {
            throw invalid("body must be a JSON object with email, push_subscription and/or webhook_url, and locale");
        }
        String email = text(body, "email") == null ? null : RecipientRequest.validEmail(text(body, "email"));
        String push = RecipientRequest.validPushSubscription(body.get("push_subscription"), urls);
        String webhookUrl = RecipientRequest.validWebhookUrl(text(body, "webhook_url"), urls);
        if (email == null && push == null && webhookUrl == null) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "no_channel",
                    "name at least one channel: email, push_subscription or webhook_url (a channel left out is not used)");
        }
        SessionRecipient recipient = SessionRecipient.newBuilder()
                .setSessionId(sessionId)
                .setEmail(email)
                .setPushSubscription(push)
                .setWebhookUrl(webhookUrl)
                .setLocale(RecipientRequest.validLocale(text(body, "locale")))
                .setUpdatedAt(clock.instant())
                .build();
        write(new ProducerRecord<>(Topics.RECIPIENTS.name(), sessionId, recipient));
        metrics.recipient("recorded");
        ctx.status(HttpStatus.NO_CONTENT);
    }

    public void delete(Context ctx) {
        String sessionId = SessionIdParam.checked(ctx.pathParam("session_id"));
        write(new ProducerRecord<>(Topics.RECIPIENTS.name(), sessionId, null));
        metrics.recipient("removed");
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void write(ProducerRecord<String, SessionRecipient> record) {
        try {
            writer.write(List.of(record), kafkaTimeout);
        } catch (TransactionalEventWriter.WriteFailed e) {
            metrics.recipient("unavailable");
            throw new ApiError(HttpStatus.SERVICE_UNAVAILABLE, "kafka_unavailable", "the recipient could not be stored; retry later");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static ApiError invalid(String message) {
        return new ApiError(HttpStatus.BAD_REQUEST, "invalid_body", message);
    }
}
