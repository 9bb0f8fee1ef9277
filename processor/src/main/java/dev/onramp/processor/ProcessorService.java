package dev.onramp.processor;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.onramp.processor.query.SessionQueryEndpoint;
import dev.onramp.processor.session.SessionMetrics;
import dev.onramp.processor.session.SessionTopology;
import dev.onramp.runtime.BearerAuth;
import dev.onramp.runtime.DependencyChecks;
import dev.onramp.runtime.HealthCheck;
import dev.onramp.runtime.ServiceHttp;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.SchemaRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the session topology and its query API. {@link #close()} commits and stops cleanly. */
public final class ProcessorService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessorService.class);

    private final Admin admin;
    private final KafkaStreams streams;
    private final ServiceHttp http;
    private final KafkaStreamsMetrics streamsMetrics;

    private ProcessorService(Admin admin, KafkaStreams streams, ServiceHttp http, KafkaStreamsMetrics streamsMetrics) {
        this.admin = admin;
        this.streams = streams;
        this.http = http;
        this.streamsMetrics = streamsMetrics;
    }

    public static ProcessorService start(ProcessorConfig config) {
        log.info("starting processor: {}", config);
        SchemaRegistry registry = config.kafka().registryClient();
        Admin admin = Admin.create(config.kafka().clientConfig());
        TopicContracts.ensure(admin, registry, config.kafka().topicPartitions(), config.kafka().topicReplication());

        var metrics = ServiceHttp.newMetrics();
        URI advertised = URI.create(config.advertisedUrl());
        HostInfo self = new HostInfo(advertised.getHost(), advertised.getPort());
        KafkaStreams streams = new KafkaStreams(
                SessionTopology.build(config.rules(), ProcessorSerdes.on(registry), new SessionMetrics(metrics)),
                toProperties(config.streamsConfig(self.host() + ":" + self.port())));
        AtomicBoolean failed = new AtomicBoolean();
        streams.setStateListener((now, before) -> {
            log.info("kafka streams {} -> {}", before, now);
            if (now == KafkaStreams.State.ERROR) {
                failed.set(true);
            }
        });
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics);

        HealthCheck streamsRunning = new HealthCheck() {
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
        ServiceHttp http = new ServiceHttp("processor", metrics,
                List.of(DependencyChecks.kafka(admin), DependencyChecks.registry(registry, Topics.SESSION_STATE.valueSubject()), streamsRunning),
                javalin -> { });
        SessionQueryEndpoint query = new SessionQueryEndpoint(streams, self);
        http.app().before("/v1/*", new BearerAuth(config.platformApiKey()));
        http.app().get("/v1/sessions/{session_id}", query::get);
        streams.start();
        http.start(config.host(), config.port());
        return new ProcessorService(admin, streams, http, streamsMetrics);
    }

    private static java.util.Properties toProperties(Map<String, Object> config) {
        java.util.Properties props = new java.util.Properties();
        props.putAll(config);
        return props;
    }

    public int port() {
        return http.port();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Waits until the topology runs (all tasks assigned and restored). */
    public void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("processor not running after " + timeout + ": " + streams.state());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        http.close();
        // Leave the group: otherwise partitions stay with this stopped member until its session times out.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        streamsMetrics.close();
        admin.close();
        log.info("processor stopped");
    }
}
