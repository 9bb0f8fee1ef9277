package dev.onramp.runtime;

import java.util.concurrent.TimeUnit;

import dev.onramp.schemas.serde.SchemaRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Readiness checks of the two things every service needs: Kafka and the schema registry. */
public final class DependencyChecks {
    private DependencyChecks() {
    }

    public static HealthCheck kafka(Admin admin) {
        return HealthCheck.of("kafka", () ->
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get(3, TimeUnit.SECONDS));
    }

    public static HealthCheck registry(SchemaRegistry registry, String anySubject) {
        return HealthCheck.of("schema-registry", () -> registry.compatibility(anySubject));
    }
}
