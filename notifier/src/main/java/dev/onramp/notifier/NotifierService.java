package dev.onramp.notifier;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

import dev.onramp.notifier.delivery.NotificationChannel;
import dev.onramp.notifier.delivery.NotificationTopology;
import dev.onramp.notifier.delivery.NotifierMetrics;
import dev.onramp.notifier.email.EmailChannel;
import dev.onramp.notifier.email.EmailComposer;
import dev.onramp.notifier.email.MailTransport;
import dev.onramp.notifier.email.OutboxTransport;
import dev.onramp.notifier.email.SmtpTransport;
import dev.onramp.notifier.sending.IntentSender;
import dev.onramp.runtime.DependencyChecks;
import dev.onramp.runtime.Service;
import dev.onramp.runtime.ServiceHttp;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.schemas.Topics;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the notification topology with its channels, plus health and metrics. */
public final class NotifierService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotifierService.class);

    private final Service service;
    private final StreamsApp app;
    private final ServiceHttp http;

    private NotifierService(Service service, StreamsApp app, ServiceHttp http) {
        this.service = service;
        this.app = app;
        this.http = http;
    }

    public static NotifierService start(NotifierConfig config) {
        return Service.start("notifier", config, config.kafka(), service -> {
            // One channel set per sender connection; the topology uses one more only to address and mask.
            Supplier<List<NotificationChannel>> channels = () -> List.of(emailChannel(config));
            List<NotificationChannel> addressing = channels.get();
            addressing.forEach(service::own);
            StreamsApp app = service.own(new StreamsApp(
                    NotificationTopology.build(addressing, config.rules(), service.registry(), new NotifierMetrics(service.metrics())),
                    config.streamsConfig(), service.registry(), service.metrics()));
            IntentSender sender = service.own(new IntentSender(config.kafka(), config.senderSettings(),
                    config.rules().notifyWindow(), channels, service.metrics(), Clock.systemUTC()));
            ServiceHttp http = service.http(List.of(app.aliveCheck()),
                    List.of(DependencyChecks.kafka(service.admin()),
                            DependencyChecks.registry(service.registry(), Topics.NOTIFICATIONS.valueSubject()), app.runningCheck(),
                            sender.health()),
                    config.adminPort() >= 0);
            log.info("emails go to {}, {} connection(s) at once", config.smtp().host() == null ? "the outbox " + config.outboxDir()
                    : config.smtp(), config.sending().connections());
            app.start();
            sender.start();
            http.start(config.host(), config.port(), config.adminPort());
            return new NotifierService(service, app, http);
        });
    }

    private static EmailChannel emailChannel(NotifierConfig config) {
        MailTransport transport = transport(config);
        return new EmailChannel(new EmailComposer(transport.session(), config.mailFrom(), config.messageIdDomain()), transport);
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
