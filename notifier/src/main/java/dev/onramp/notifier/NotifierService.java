package dev.onramp.notifier;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.onramp.notifier.deciding.NotificationChannel;
import dev.onramp.notifier.deciding.NotificationTopology;
import dev.onramp.notifier.deciding.NotifierMetrics;
import dev.onramp.notifier.email.EmailChannel;
import dev.onramp.notifier.email.EmailComposer;
import dev.onramp.notifier.email.MailTransport;
import dev.onramp.notifier.email.OutboxTransport;
import dev.onramp.notifier.email.SmtpTransport;
import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.notifier.push.WebPushChannel;
import dev.onramp.notifier.sending.ChannelSenders;
import dev.onramp.notifier.webhook.PlatformWebhookChannel;
import dev.onramp.runtime.DependencyChecks;
import dev.onramp.runtime.HealthCheck;
import dev.onramp.runtime.Service;
import dev.onramp.runtime.ServiceHttp;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the notification topology with its channels, plus health and metrics. */
public final class NotifierService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotifierService.class);
    /** How long an erased key may still seal an audit record here (which then no one can open). */
    private static final Duration KEY_REFRESH = Duration.ofSeconds(5);

    private final Service service;
    private final StreamsApp app;
    private final ServiceHttp http;

    private NotifierService(Service service, StreamsApp app, ServiceHttp http) {
        this.service = service;
        this.app = app;
        this.http = http;
    }

    public static NotifierService start(NotifierConfig config) {
        return start(config, Tracing.start(config.traces(), "notifier"));
    }

    public static NotifierService start(NotifierConfig config, Tracing tracing) {
        return Service.start("notifier", config, config.kafka(), tracing, service -> {
            // One channel per sender connection; the topology uses one more of each only to address and mask.
            Map<Channel, Supplier<NotificationChannel>> channels = channels(config);
            List<NotificationChannel> addressing = channels.values().stream().map(Supplier::get).toList();
            addressing.forEach(service::own);
            // The topology's own: its stream threads seal the audit records, the senders open outcomes with theirs.
            KafkaKeyStore keys = service.own(new KafkaKeyStore(config.kafka().clientConfig(),
                    new RegistryAvroDeserializer<>(SubjectKey.class, service.registry()), KEY_REFRESH));
            StreamsApp app = service.own(new StreamsApp(
                    NotificationTopology.build(addressing, config.settings(), service.registry(), new NotifierMetrics(service.metrics()),
                            service.tracing(), keys),
                    config.streamsConfig(), service.registry(), service.metrics()));
            List<ChannelSenders.Lane> lanes = channels.entrySet().stream()
                    .map(c -> new ChannelSenders.Lane(config.senderSettings(c.getKey()), c.getValue())).toList();
            ChannelSenders senders = service.own(new ChannelSenders(config.kafka(), config.settings().notifyWindow(), lanes,
                    service.metrics(), Clock.systemUTC(), service.tracing()));
            List<HealthCheck> ready = new ArrayList<>(List.of(DependencyChecks.kafka(service.admin()),
                    DependencyChecks.registry(service.registry(), Topics.NOTIFICATIONS.valueSubject()), app.runningCheck()));
            ready.addAll(senders.health());
            ServiceHttp http = service.http(List.of(app.aliveCheck()), ready, config.adminPort() >= 0);
            log.info("emails go to {}, {} connection(s) at once; {}; {}", config.smtp().host() == null ? "the outbox " + config.outboxDir()
                    : config.smtp(), config.sending().connections(), config.push(), config.webhook());
            app.start();
            senders.start();
            http.start(config.host(), config.port(), config.adminPort());
            return new NotifierService(service, app, http);
        });
    }

    /** Email always (SMTP or the outbox); push and webhooks when configured. */
    private static Map<Channel, Supplier<NotificationChannel>> channels(NotifierConfig config) {
        Map<Channel, Supplier<NotificationChannel>> channels = new LinkedHashMap<>();
        channels.put(Channel.EMAIL, () -> emailChannel(config));
        OutboundUrlPolicy policy = OutboundUrlPolicy.of(config.allowPrivateNetworks());
        if (config.push().configured()) {
            NotifierConfig.Push push = config.push();
            VapidKeys vapid = VapidKeys.of(push.publicKey(), push.privateKey(), push.subject());
            channels.put(Channel.PUSH, () -> new WebPushChannel(vapid, push.timeout(), policy, Clock.systemUTC()));
        }
        if (config.webhook().configured()) {
            NotifierConfig.PlatformWebhook webhook = config.webhook();
            Optional<String> url = Optional.ofNullable(webhook.url());
            url.flatMap(policy::refusal).ifPresent(reason -> {
                throw new IllegalArgumentException("PLATFORM_WEBHOOK_URL " + reason);
            });
            channels.put(Channel.WEBHOOK, () -> new PlatformWebhookChannel(url, webhook.secrets(), webhook.timeout(), policy,
                    Clock.systemUTC()));
        }
        return channels;
    }

    private static EmailChannel emailChannel(NotifierConfig config) {
        MailTransport transport = transport(config);
        return new EmailChannel(new EmailComposer(transport.session(), config.mailFrom(), config.messageIdDomain(), config.unsubscribe()), transport);
    }

    /** SMTP when a host is set, else the outbox directory a developer reads. */
    private static MailTransport transport(NotifierConfig config) {
        NotifierConfig.Smtp smtp = config.smtp();
        return smtp.host() == null
                ? new OutboxTransport(config.outboxDir())
                : new SmtpTransport(smtp.host(), smtp.port(), smtp.username(), smtp.password(), smtp.startTls(), smtp.timeoutMs());
    }

    public int port() {
        return http.port();
    }

    public int adminPort() {
        return http.adminPort();
    }

    public KafkaStreams streams() {
        return app.streams();
    }

    @Override
    public void close() {
        service.close();
    }
}
