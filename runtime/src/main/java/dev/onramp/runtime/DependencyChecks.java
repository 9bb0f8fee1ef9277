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
        return new HealthCheck() {
            @Override
            public String name() {
                return "kafka";
            }

            @Override
            public void check() throws Exception {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(2_000)).nodes().get(3, TimeUnit.SECONDS);
            }
        };
    }

    public static HealthCheck registry(SchemaRegistry registry, String anySubject) {
        return new HealthCheck() {
            @Override
            public String name() {
                return "schema-registry";
            }

            @Override
            public void check() {
                registry.compatibility(anySubject);
            }
        };
    }
}
