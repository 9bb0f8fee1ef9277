package dev.onramp.notifier;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.onramp.notifier.delivery.NotifierRules;
import dev.onramp.notifier.email.EmailComposer;
import dev.onramp.notifier.sending.IntentSender;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.tracing.TraceExport;
import dev.onramp.schemas.Channel;

/**
 * Everything the notifier reads from the environment, in one place.
 *
 * <ul>
 *   <li>{@code NOTIFIER_HOST} (default {@code 0.0.0.0}), {@code NOTIFIER_PORT} (default 8082): health and metrics</li>
 *   <li>{@code NOTIFIER_ADMIN_PORT} (default: none): health and metrics on a port of their own instead</li>
 *   <li>{@code NOTIFIER_APPLICATION_ID} (default {@code onramp-notifier}), {@code NOTIFIER_STATE_DIR}
 *       (default {@code ./data/notifier-state})</li>
 *   <li>{@code NOTIFIER_INSTANCE_ID} (default: the host name): static group membership, unique per running
 *       instance and the same across its restarts</li>
 *   <li>{@code SMTP_HOST} (unset: emails go to the outbox), {@code SMTP_PORT} (587), {@code SMTP_USERNAME},
 *       {@code SMTP_PASSWORD}, {@code SMTP_STARTTLS} (true), {@code SMTP_TIMEOUT} (10s)</li>
 *   <li>{@code MAIL_FROM} (default {@code Onramp <no-reply@onramp.local>}), {@code MESSAGE_ID_DOMAIN}
 *       (default {@code onramp.local})</li>
 *   <li>{@code NOTIFIER_OUTBOX_DIR} (default {@code ./data/outbox})</li>
 *   <li>{@code UNSUBSCRIBE_BASE_URL} (ingest's public URL) and {@code UNSUBSCRIBE_SECRETS} (the first signs; shared
 *       with ingest): both set, every email carries a one-click unsubscribe link (RFC 8058); either unset, none</li>
 *   <li>{@code SMTP_CONNECTIONS} (4): messages sent at once, one provider connection each (also the most a sender
 *       crash can repeat); {@code NOTIFIER_SEND_RATE} (0: no limit): messages per second at most;
 *       {@code NOTIFIER_BREAKER_OPEN_FOR} (30s): how long sending pauses when most attempts fail;
 *       {@code NOTIFIER_DEGRADED_AFTER} (60s): how long every attempt must have failed before health says DEGRADED</li>
 *   <li>{@code VAPID_PUBLIC_KEY}, {@code VAPID_PRIVATE_KEY} (base64url; unset: no Web Push), {@code VAPID_SUBJECT}
 *       (default {@code mailto:ops@onramp.local}: set it to a contact push services can reach), {@code PUSH_TIMEOUT}
 *       (10s), {@code PUSH_CONNECTIONS} (4)</li>
 *   <li>{@code PLATFORM_WEBHOOK_URL} (unset: only sessions whose recipient names a URL), {@code PLATFORM_WEBHOOK_SECRETS}
 *       (comma-separated {@code whsec_} secrets, each signs; unset: no webhooks), {@code WEBHOOK_TIMEOUT} (10s),
 *       {@code WEBHOOK_CONNECTIONS} (4)</li>
 *   <li>{@code OUTBOUND_ALLOW_PRIVATE_NETWORKS} (false): let push and webhooks reach http on loopback and private
 *       addresses; {@code onramp dev} sets it, production must not</li>
 *   <li>{@code RETRY_INITIAL_DELAY} (30s), {@code RETRY_MAX_DELAY} (1h), {@code RETRY_WINDOW} (24h),
 *       {@code RETRY_CHECK_INTERVAL} (1s), {@code NOTIFY_WINDOW} (30d: how late a recipient may still arrive)</li>
 *   <li>{@code OTEL_EXPORTER_OTLP_ENDPOINT} (default: none, no traces) and OpenTelemetry's other {@code OTEL_*}
 *       variables: see {@link TraceExport}</li>
 *   <li>plus {@link KafkaConnection}'s variables</li>
 * </ul>
 */
public record NotifierConfig(String host, int port, int adminPort, String applicationId, String instanceId, Path stateDir,
                             Smtp smtp, Sending sending, String mailFrom, String messageIdDomain, Path outboxDir,
                             Optional<EmailComposer.Unsubscribe> unsubscribe, Push push, PlatformWebhook webhook,
                             boolean allowPrivateNetworks,
                             NotifierRules rules, TraceExport traces, KafkaConnection kafka) {

    /** Web Push; {@code publicKey == null}: not configured. */
    public record Push(String publicKey, String privateKey, String subject, Duration timeout, int connections) {
        public boolean configured() {
            return publicKey != null && privateKey != null;
        }

        @Override
        public String toString() {
            return configured() ? "web push as " + subject + " (public key " + publicKey + ")" : "no web push (no VAPID keys)";
        }
    }

    /** Outbound webhooks; no secrets: not configured. */
    public record PlatformWebhook(String url, List<String> secrets, Duration timeout, int connections) {
        public boolean configured() {
            return !secrets.isEmpty();
        }

        @Override
        public String toString() {
            return !configured() ? "no platform webhooks (no PLATFORM_WEBHOOK_SECRETS)"
                    : "platform webhooks to " + (url == null ? "each session's own URL only" : url) + ", " + secrets.size() + " secret(s)";
        }
    }

    /** How the sender sends: see the class comment. */
    public record Sending(int connections, double ratePerSecond, Duration breakerOpenFor, Duration degradedAfter) {
    }

    /** SMTP settings; {@code host == null} means no server: write to the outbox. */
    public record Smtp(String host, int port, String username, String password, boolean startTls, int timeoutMs) {
        @Override
        public String toString() {
            return host == null ? "none" : "smtp://" + host + ":" + port + (username == null ? "" : " as " + username)
                    + (startTls ? " starttls" : "");
        }
    }

    public static NotifierConfig fromEnv(Env env) {
        NotifierRules defaults = NotifierRules.defaults();
        return new NotifierConfig(
                env.string("NOTIFIER_HOST", "0.0.0.0"),
                env.integer("NOTIFIER_PORT", 8082),
                env.integer("NOTIFIER_ADMIN_PORT", -1),
                env.string("NOTIFIER_APPLICATION_ID", "onramp-notifier"),
                env.string("NOTIFIER_INSTANCE_ID", Env.hostname()),
                Path.of(env.string("NOTIFIER_STATE_DIR", "./data/notifier-state")),
                new Smtp(env.string("SMTP_HOST", null), env.integer("SMTP_PORT", 587),
                        env.string("SMTP_USERNAME", null), env.string("SMTP_PASSWORD", null),
                        env.flag("SMTP_STARTTLS", true),
                        (int) env.duration("SMTP_TIMEOUT", Duration.ofSeconds(10)).toMillis()),
                new Sending(Math.max(1, env.integer("SMTP_CONNECTIONS", 4)),
                        Double.parseDouble(env.string("NOTIFIER_SEND_RATE", "0")),
                        env.duration("NOTIFIER_BREAKER_OPEN_FOR", Duration.ofSeconds(30)),
                        env.duration("NOTIFIER_DEGRADED_AFTER", Duration.ofSeconds(60))),
                env.string("MAIL_FROM", "Onramp <no-reply@onramp.local>"),
                env.string("MESSAGE_ID_DOMAIN", "onramp.local"),
                Path.of(env.string("NOTIFIER_OUTBOX_DIR", "./data/outbox")),
                unsubscribe(env.string("UNSUBSCRIBE_BASE_URL", null), secrets(env.string("UNSUBSCRIBE_SECRETS", ""))),
                new Push(env.string("VAPID_PUBLIC_KEY", null), env.string("VAPID_PRIVATE_KEY", null),
                        env.string("VAPID_SUBJECT", "mailto:ops@onramp.local"), env.duration("PUSH_TIMEOUT", Duration.ofSeconds(10)),
                        Math.max(1, env.integer("PUSH_CONNECTIONS", 4))),
                new PlatformWebhook(env.string("PLATFORM_WEBHOOK_URL", null), secrets(env.string("PLATFORM_WEBHOOK_SECRETS", "")),
                        env.duration("WEBHOOK_TIMEOUT", Duration.ofSeconds(10)), Math.max(1, env.integer("WEBHOOK_CONNECTIONS", 4))),
                env.flag("OUTBOUND_ALLOW_PRIVATE_NETWORKS", false),
                new NotifierRules(
                        env.duration("RETRY_INITIAL_DELAY", defaults.retryInitialDelay()),
                        env.duration("RETRY_MAX_DELAY", defaults.retryMaxDelay()),
                        env.duration("RETRY_WINDOW", defaults.retryWindow()),
                        env.duration("RETRY_CHECK_INTERVAL", defaults.retryCheckInterval()),
                        env.duration("NOTIFY_WINDOW", defaults.notifyWindow())),
                TraceExport.fromEnv(env),
                KafkaConnection.fromEnv(env.values()));
    }

    private static Optional<EmailComposer.Unsubscribe> unsubscribe(String baseUrl, List<String> secrets) {
        return baseUrl == null || secrets.isEmpty() ? Optional.empty() : Optional.of(new EmailComposer.Unsubscribe(baseUrl, secrets.get(0)));
    }

    private static List<String> secrets(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    public Map<String, Object> streamsConfig() {
        return StreamsApp.baseConfig(kafka, applicationId, stateDir, instanceId);
    }

    /** Email keeps the group name it had before there were other channels, so its committed offsets stay. */
    public IntentSender.Settings senderSettings(Channel channel) {
        String suffix = channel == Channel.EMAIL ? "-sender" : "-sender-" + channel.name().toLowerCase(Locale.ROOT);
        int connections = switch (channel) {
            case PUSH -> push.connections();
            case WEBHOOK -> webhook.connections();
            default -> sending.connections();
        };
        return new IntentSender.Settings(channel, connections, sending.ratePerSecond(), sending.breakerOpenFor(),
                sending.degradedAfter(), applicationId + suffix, instanceId + suffix);
    }

    @Override
    public String toString() {
        return "NotifierConfig[port=" + port + ", applicationId=" + applicationId + ", instanceId=" + instanceId + ", stateDir=" + stateDir
                + ", smtp=" + smtp + ", sending=" + sending + ", outbox=" + outboxDir
                + ", unsubscribe=" + unsubscribe.map(Object::toString).orElse("no links")
                + ", push=" + push + ", webhook=" + webhook
                + ", allowPrivateNetworks=" + allowPrivateNetworks + ", rules=" + rules
                + ", traces=" + traces + ", kafka=" + kafka.bootstrapServers() + ", registry=" + kafka.schemaRegistryUrl() + "]";
    }
}
