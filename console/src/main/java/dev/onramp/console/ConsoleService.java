package dev.onramp.console;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.onramp.console.ops.AdminAuth;
import dev.onramp.console.ops.ConsumerLag;
import dev.onramp.console.ops.DeadLetterCounts;
import dev.onramp.console.ops.DeadLetters;
import dev.onramp.console.ops.OpsApi;
import dev.onramp.console.ops.PipelineWatch;
import dev.onramp.console.ops.ProcessorClient;
import dev.onramp.console.ops.Eraser;
import dev.onramp.console.ops.Operations;
import dev.onramp.console.ops.Redriver;
import dev.onramp.console.ops.SessionLookup;
import dev.onramp.console.ops.StalledSessions;
import dev.onramp.console.web.ConsolePages;
import dev.onramp.runtime.kafka.TransactionalEventWriter;
import dev.onramp.session.webhook.ClientSecretRedactor;
import dev.onramp.session.webhook.SignedJson;
import dev.onramp.runtime.DependencyChecks;
import dev.onramp.runtime.FailedAuthLimit;
import dev.onramp.runtime.Service;
import dev.onramp.runtime.ServiceHttp;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;

/**
 * The operator console: the ops API under {@code /v1} and the pages under {@code /console}, on one port of its own
 * (never ingest's public one), with health and metrics beside them.
 */
public final class ConsoleService implements AutoCloseable {
    private final Service service;
    private final ServiceHttp http;

    private ConsoleService(Service service, ServiceHttp http) {
        this.service = service;
        this.http = http;
    }

    public static ConsoleService start(ConsoleConfig config) {
        return start(config, Clock.systemUTC());
    }

    public static ConsoleService start(ConsoleConfig config, Clock clock) {
        return Service.start("console", config, config.kafka(), service -> {
            TopicReader topics = new TopicReader(config.kafka().clientConfig());
            ProcessorClient processor = new ProcessorClient(config.processorUrl(), config.platformApiKey());
            DeadLetters deadLetters = new DeadLetters(topics, service.registry());
            TransactionalEventWriter writer = service.own(new TransactionalEventWriter(config.kafka().producerConfig(),
                    config.transactionalId(), 1, service.registry(), Duration.ofSeconds(10)));
            Redriver redriver = new Redriver(deadLetters, topics, service.registry(), processor, writer,
                    new ClientSecretRedactor(SignedJson.mapper()), clock);
            KafkaKeyStore keys = service.own(new KafkaKeyStore(config.kafka().clientConfig(),
                    new RegistryAvroDeserializer<>(SubjectKey.class, service.registry()), Duration.ofSeconds(5)));
            SessionLookup sessions = new SessionLookup(topics, service.registry(), processor, keys);
            Eraser eraser = new Eraser(keys, writer, topics, service.registry(), service.admin(), Eraser.WAIT_FOR_INGEST, clock);
            StalledSessions stalled = new StalledSessions(topics, service.registry(), clock);
            DeadLetterCounts counts = service.own(new DeadLetterCounts(config.kafka().clientConfig()));
            PipelineWatch watch = service.own(new PipelineWatch(config.watched(), new ConsumerLag(service.admin(), "onramp"),
                    counts, clock, service.metrics())).start(config.watchInterval());
            AdminAuth auth = new AdminAuth(config.adminKeys(), config.trustedProxies(), new FailedAuthLimit("console"));

            ServiceHttp http = service.http(List.of(), List.of(DependencyChecks.kafka(service.admin())), false);
            Operations ops = new Operations(sessions, deadLetters, redriver, eraser, watch, stalled);
            new OpsApi(ops).routes(http.app(), auth);
            new ConsolePages(auth, config.signInTtl(), config.secureCookie(), ops,
                    config.watchInterval(), clock).routes(http.app());
            http.start(config.host(), config.port(), -1);
            return new ConsoleService(service, http);
        });
    }

    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        service.close();
    }
}
