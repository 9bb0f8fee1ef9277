package dev.onramp.notifier;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.onramp.notifier.delivery.NotificationTopology;
import dev.onramp.notifier.delivery.NotifierMetrics;
import dev.onramp.notifier.email.EmailChannel;
import dev.onramp.notifier.email.EmailComposer;
import dev.onramp.notifier.email.MailTransport;
import dev.onramp.notifier.email.OutboxTransport;
import dev.onramp.notifier.email.SmtpTransport;
import dev.onramp.runtime.DependencyChecks;
import dev.onramp.runtime.HealthCheck;
import dev.onramp.runtime.ServiceHttp;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.SchemaRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import jakarta.mail.Session;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the notification topology with its channels, plus health and metrics. */
public final class NotifierService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NotifierService.class);

    private final Admin admin;
    private final KafkaStreams streams;
    private final ServiceHttp http;
    private final MailTransport transport;
    private final KafkaStreamsMetrics streamsMetrics;

    private NotifierService(Admin admin, KafkaStreams streams, ServiceHttp http, MailTransport transport,
                            KafkaStreamsMetrics streamsMetrics) {
        this.admin = admin;
        this.streams = streams;
        this.http = http;
        this.transport = transport;
        this.streamsMetrics = streamsMetrics;
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
        Properties props = new Properties();
        props.putAll(config.streamsConfig());
        KafkaStreams streams = new KafkaStreams(
                NotificationTopology.build(List.of(email), config.rules(), registry, new NotifierMetrics(metrics)), props);
        streams.setStateListener((now, before) -> log.info("kafka streams {} -> {}", before, now));
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics);
        HealthCheck running = new HealthCheck() {
            @Override
            public String name() {
                return "kafka-streams";
            }

            @Override
            public void check() {
                if (streams.state() != KafkaStreams.State.RUNNING) {
                    throw new IllegalStateException(streams.state().name());
                }
            }
        };
        ServiceHttp http = new ServiceHttp("notifier", metrics,
                List.of(DependencyChecks.kafka(admin), DependencyChecks.registry(registry, Topics.NOTIFICATIONS.valueSubject()), running),
                javalin -> { });
        streams.start();
        http.start(config.host(), config.port());
        return new NotifierService(admin, streams, http, transport, streamsMetrics);
    }

    public int port() {
        return http.port();
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        http.close();
        // Leave the group: otherwise partitions stay with this stopped member until its session times out.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        streamsMetrics.close();
        transport.close();
        admin.close();
        log.info("notifier stopped");
    }
}
