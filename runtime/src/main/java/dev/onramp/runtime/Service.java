package dev.onramp.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.tracing.Tracing;
import dev.onramp.schemas.TopicContracts;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start/stop skeleton the three services share. Starting: log the (masked) config, make the topic contracts true
 * (or, with {@code ONRAMP_CONTRACTS=verify}, check them and stop if they are not this build's), then let the service
 * wire its parts, HTTP last. Stopping: close the parts in the reverse order they were opened, so the HTTP server stops
 * accepting before what serves its requests goes away. A start that fails part way closes what it had opened, so a
 * service that cannot start leaves no producer or thread behind.
 */
public final class Service implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Service.class);

    private final String name;
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();
    private final SchemaRegistryClient registry;
    private final Admin admin;
    private final PrometheusMeterRegistry metrics = ServiceHttp.newMetrics();
    private final Tracing tracing;

    private Service(String name, KafkaConnection kafka, Tracing tracing) {
        this.name = name;
        // Closed last: the spans of the service's last work are exported as it stops.
        this.tracing = own(tracing);
        this.registry = kafka.registryClient();
        this.admin = own(Admin.create(kafka.clientConfig()));
    }

    /** Starts a service without traces. */
    public static <S> S start(String name, Object config, KafkaConnection kafka, Function<Service, S> wiring) {
        return start(name, config, kafka, Tracing.off(), wiring);
    }

    /** Starts a service: {@code wiring} builds its parts on the skeleton and returns the running service. */
    public static <S> S start(String name, Object config, KafkaConnection kafka, Tracing tracing, Function<Service, S> wiring) {
        log.info("starting {}: {}", name, config);
        Service service = new Service(name, kafka, tracing);
        try {
            if (kafka.contracts() == TopicContracts.Mode.VERIFY) {
                TopicContracts.verify(service.admin, service.registry);
            } else {
                TopicContracts.ensure(service.admin, service.registry, kafka.topicPartitions(), kafka.topicReplication());
            }
            return wiring.apply(service);
        } catch (RuntimeException | Error e) {
            service.close();
            throw e;
        }
    }

    public SchemaRegistryClient registry() {
        return registry;
    }

    public Admin admin() {
        return admin;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public Tracing tracing() {
        return tracing;
    }

    /** Takes a part to close when the service stops: the later opened, the sooner closed. */
    public <T extends AutoCloseable> T own(T part) {
        opened.push(part);
        return part;
    }

    /** The service's HTTP server (health, metrics, its API), closed first when the service stops. */
    public ServiceHttp http(List<HealthCheck> liveness, List<HealthCheck> readiness, boolean separateAdmin) {
        return own(new ServiceHttp(name, metrics, liveness, readiness, separateAdmin));
    }

    @Override
    public void close() {
        while (!opened.isEmpty()) {
            AutoCloseable part = opened.pop();
            try {
                part.close();
            } catch (Exception e) {
                log.warn("{}: closing {} failed: {}", name, part.getClass().getSimpleName(), e.toString());
            }
        }
        log.info("{} stopped", name);
    }
}
