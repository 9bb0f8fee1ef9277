package dev.onramp.notifier;

import java.util.List;

import dev.onramp.notifier.delivery.NotificationTopology;
import dev.onramp.notifier.delivery.NotifierMetrics;
import dev.onramp.notifier.email.EmailChannel;
import dev.onramp.notifier.email.EmailComposer;
import dev.onramp.notifier.email.MailTransport;
import dev.onramp.notifier.email.OutboxTransport;
import dev.onramp.notifier.email.SmtpTransport;
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
            MailTransport transport = service.own(transport(config));
            log.info("emails go to {}", transport.describe());
            EmailChannel email = new EmailChannel(
                    new EmailComposer(transport.session(), config.mailFrom(), config.messageIdDomain()), transport);
            StreamsApp app = service.own(new StreamsApp(
                    NotificationTopology.build(List.of(email), config.rules(), service.registry(), new NotifierMetrics(service.metrics())),
                    config.streamsConfig(), service.registry(), service.metrics()));
            ServiceHttp http = service.http(List.of(app.aliveCheck()),
                    List.of(DependencyChecks.kafka(service.admin()),
                            DependencyChecks.registry(service.registry(), Topics.NOTIFICATIONS.valueSubject()), app.runningCheck()),
                    config.adminPort() >= 0);
            app.start();
            http.start(config.host(), config.port(), config.adminPort());
            return new NotifierService(service, app, http);
        });
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
