package dev.onramp.notifier.sending;

import java.util.Locale;

import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.NotificationIntent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/** A send's span, in the trace its intent's record carries; what it records of the provider's answer. */
final class SendSpans {
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("onramp.attempt");

    private final Tracing tracing;
    private final String name;

    SendSpans(Tracing tracing, Channel channel) {
        this.tracing = tracing;
        this.name = "send " + channel.name().toLowerCase(Locale.ROOT);
    }

    Span start(ConsumerRecord<String, NotificationIntent> record) {
        NotificationIntent intent = record.value();
        return tracing.tracer().spanBuilder(name)
                .setSpanKind(SpanKind.CLIENT)
                .setParent(tracing.from(record.headers()))
                .setAttribute(Tracing.SESSION_ID, intent.getSessionId())
                .setAttribute(Tracing.NOTIFICATION_ID, intent.getNotificationId())
                .setAttribute(Tracing.CHANNEL, intent.getChannel().name())
                .setAttribute(ATTEMPT, (long) intent.getAttempt())
                .startSpan();
    }

    /** The send's trace id in the log lines written meanwhile. */
    Tracing.InLogs inLogs(Span span) {
        return Tracing.inLogs(span);
    }

    /** Headers for the result record: the notifier's folding of it continues the send's trace. */
    Headers carry(Span span) {
        return tracing.headers(span);
    }

    /** The kind of answer only: a provider's reply text can quote the address. */
    static void answered(Span span, ProviderAnswer result) {
        String kind = result.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        span.setAttribute(Tracing.RESULT, kind);
        if (!(result instanceof ProviderAnswer.Sent)) {
            span.setStatus(StatusCode.ERROR, kind);
        }
    }

    /** Not sent, and no provider asked: sent before, already answered, or the notify window is over. */
    static void skipped(Span span, String why) {
        span.setAttribute(Tracing.RESULT, why);
    }

    static void failed(Span span, Exception e) {
        span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
    }
}
