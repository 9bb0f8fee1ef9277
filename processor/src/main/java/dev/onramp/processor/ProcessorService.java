package dev.onramp.processor;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import dev.onramp.processor.query.PeerSignature;
import dev.onramp.processor.query.SessionQueryEndpoint;
import dev.onramp.processor.session.SessionMetrics;
import dev.onramp.processor.session.SessionTopology;
import dev.onramp.runtime.BearerAuth;
import dev.onramp.runtime.DependencyChecks;
import dev.onramp.runtime.Service;
import dev.onramp.runtime.ServiceHttp;
import dev.onramp.runtime.StreamsApp;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/** Runs the session topology and its query API. {@link #close()} commits and stops cleanly. */
public final class ProcessorService implements AutoCloseable {
    private final Service service;
    private final StreamsApp app;
    private final ServiceHttp http;

    private ProcessorService(Service service, StreamsApp app, ServiceHttp http) {
        this.service = service;
        this.app = app;
        this.http = http;
    }

    public static ProcessorService start(ProcessorConfig config) {
        return start(config, Tracing.start(config.traces(), "processor"));
    }

    public static ProcessorService start(ProcessorConfig config, Tracing tracing) {
        return Service.start("processor", config, config.kafka(), tracing, service -> {
            URI advertised = URI.create(config.advertisedUrl());
            HostInfo self = new HostInfo(advertised.getHost(), advertised.getPort());
            ProcessorSerdes serdes = ProcessorSerdes.on(service.registry());
            StreamsApp app = service.own(new StreamsApp(
                    SessionTopology.build(config.settings(), serdes, new SessionMetrics(service.metrics()), service.tracing()),
                    config.streamsConfig(self.host() + ":" + self.port()), service.registry(), service.metrics()));

            ServiceHttp http = service.http(List.of(app.aliveCheck()),
                    List.of(DependencyChecks.kafka(service.admin()),
                            DependencyChecks.registry(service.registry(), Topics.SESSION_STATE.valueSubject()), app.runningCheck()),
                    config.adminPort() >= 0);
            PeerSignature peers = new PeerSignature(config.peerSecret(), Clock.systemUTC());
            SessionQueryEndpoint query = new SessionQueryEndpoint(app.streams(), self, advertised.getScheme(), peers, serdes.state(),
                    config.settings().sessionRetention(), service.own(new KafkaKeyStore(config.kafka().clientConfig(),
                    new RegistryAvroDeserializer<>(SubjectKey.class, service.registry()), Duration.ofSeconds(5))));
            BearerAuth platformKey = new BearerAuth(config.platformKeys(), config.trustedProxies());
            // A sibling instance asking for a session it routed here signs its request; everyone else shows a key.
            http.app().before("/v1/*", ctx -> {
                if (!peers.verifies(ctx.header(PeerSignature.HEADER), ctx.path())) {
                    platformKey.handle(ctx);
                }
            });
            http.app().get("/v1/sessions/{session_id}", query::get);
            app.start();
            http.start(config.host(), config.port(), config.adminPort());
            return new ProcessorService(service, app, http);
        });
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

    /** Waits until the topology runs (all tasks assigned and restored). */
    public void awaitRunning(Duration timeout) {
        app.awaitRunning(timeout);
    }

    @Override
    public void close() {
        service.close();
    }
}
