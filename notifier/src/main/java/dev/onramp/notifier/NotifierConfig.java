package dev.onramp.notifier;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.onramp.notifier.deciding.NotifierSettings;
import dev.onramp.notifier.email.EmailComposer;
import dev.onramp.notifier.sending.IntentSender;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.tracing.TraceExport;
import dev.onramp.schemas.Channel;

/**
 * Everything notifier reads from the environment, in one place. Each variable, its default and its meaning are documented
 * in docs/configuration.md (the "notifier" and "All services" sections), which {@code ConfigurationDocTest} checks
 * against what this class reads.
 */
public record NotifierConfig(String host, int port, int adminPort, String applicationId, String instanceId, Path stateDir,
                             Smtp smtp, Sending sending, String mailFrom, String messageIdDomain, Path outboxDir,
                             Optional<EmailComposer.Unsubscribe> unsubscribe, Push push, PlatformWebhook webhook,
                             boolean allowPrivateNetworks,
                             NotifierSettings settings, TraceExport traces, KafkaConnection kafka) {

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
        NotifierSettings defaults = NotifierSettings.defaults();
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
                new NotifierSettings(
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
                + ", allowPrivateNetworks=" + allowPrivateNetworks + ", settings=" + settings
                + ", traces=" + traces + ", kafka=" + kafka.bootstrapServers() + ", registry=" + kafka.schemaRegistryUrl() + "]";
    }
}
