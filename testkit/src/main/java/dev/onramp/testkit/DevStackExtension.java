package dev.onramp.testkit;

import dev.onramp.devstack.LocalKafkaBroker;
import dev.onramp.devstack.LocalSchemaRegistry;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker for one test class and a real schema registry shared by the whole test JVM.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DevStackExtension STACK = new DevStackExtension();
 * }</pre>
 *
 * <p>A broker per class keeps classes independent (topics start empty); the registry is shared because schemas
 * are the same for everyone and it takes seconds to start.
 */
public final class DevStackExtension implements BeforeAllCallback, AfterAllCallback {
    private static LocalSchemaRegistry sharedRegistry;
    private LocalKafkaBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        registry();
        broker = LocalKafkaBroker.startEphemeral();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registry().url();
    }

    /** The broker itself, for tests that take Kafka away and give it back. */
    public LocalKafkaBroker broker() {
        return broker;
    }

    /** The JVM's registry, for tests that take it away and give it back. */
    public static synchronized LocalSchemaRegistry registry() {
        if (sharedRegistry == null) {
            sharedRegistry = LocalSchemaRegistry.startEphemeral();
            Runtime.getRuntime().addShutdownHook(new Thread(sharedRegistry::close, "registry-stop"));
        }
        return sharedRegistry;
    }
}
