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
import dev.onramp.runtime.ServiceHttp;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.SchemaRegistry;
import jakarta.mail.Session;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the notification topology with its channels, plus health and metrics. */
public final class NotifierService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotifierService.class);

    private final Admin admin;
    private final StreamsApp app;
    private final ServiceHttp http;
    private final MailTransport transport;

    private NotifierService(Admin admin, StreamsApp app, ServiceHttp http, MailTransport transport) {
        this.admin = admin;
        this.app = app;
        this.http = http;
        this.transport = transport;
    }

    public static NotifierService start(NotifierConfig config) {
        log.info("starting notifier: {}", config);
        SchemaRegistry registry = config.kafka().registryClient();
        Admin admin = Admin.create(config.kafka().clientConfig());
        TopicContracts.ensure(admin, registry, config.kafka().topicPartitions(), config.kafka().topicReplication());

        MailTransport transport;
        Session session;
        if (config.smtp().host() == null) {
            OutboxTransport outbox = new OutboxTransport(config.outboxDir());
            transport = outbox;
            session = outbox.session();
        } else {
            NotifierConfig.Smtp smtp = config.smtp();
            SmtpTransport sender = new SmtpTransport(smtp.host(), smtp.port(), smtp.username(), smtp.password(), smtp.startTls(), smtp.timeoutMs());
            transport = sender;
            session = sender.session();
        }
        log.info("emails go to {}", transport.describe());
        EmailChannel email = new EmailChannel(new EmailComposer(session, config.mailFrom(), config.messageIdDomain()), transport);

        var metrics = ServiceHttp.newMetrics();
        StreamsApp app = new StreamsApp(
                NotificationTopology.build(List.of(email), config.rules(), registry, new NotifierMetrics(metrics)),
                config.streamsConfig(), registry, metrics);
        ServiceHttp http = new ServiceHttp("notifier", metrics, List.of(app.aliveCheck()), List.of(DependencyChecks.kafka(admin),
                DependencyChecks.registry(registry, Topics.NOTIFICATIONS.valueSubject()), app.runningCheck()),
                config.adminPort() >= 0);
        app.start();
        http.start(config.host(), config.port(), config.adminPort());
        return new NotifierService(admin, app, http, transport);
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
        http.close();
        app.close();
        transport.close();
        admin.close();
        log.info("notifier stopped");
    }
}
