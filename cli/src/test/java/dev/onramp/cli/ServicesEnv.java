package dev.onramp.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

import dev.onramp.devstack.FreePorts;
import dev.onramp.testkit.DevStackExtension;

/** The three services' settings as an operator would set them, against a test class's broker, registry and SMTP server. */
final class ServicesEnv {
    private ServicesEnv() {
    }

    /** Loopback ports, fresh state directories, SMTP without STARTTLS; {@code name} tells this test's ids apart. */
    static Map<String, String> of(DevStackExtension stack, String name, String webhookSecret, String apiKey, int smtpPort)
            throws IOException {
        return of(stack.bootstrapServers(), stack.registryUrl(), name, webhookSecret, apiKey, smtpPort);
    }

    /** The same against any cluster and registry. */
    static Map<String, String> of(String bootstrapServers, String registryUrl, String name, String webhookSecret, String apiKey,
                                  int smtpPort) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("SCHEMA_REGISTRY_URL", registryUrl);
        env.put("STRIPE_WEBHOOK_SECRETS", webhookSecret);
        env.put("PLATFORM_API_KEY", apiKey);
        env.put("INGEST_HOST", "127.0.0.1");
        env.put("INGEST_PORT", "0");
        env.put("INGEST_ADMIN_PORT", "0");
        env.put("INGEST_TRANSACTIONAL_ID", name + "-ingest");
        int processorPort = FreePorts.pick();
        env.put("PROCESSOR_HOST", "127.0.0.1");
        env.put("PROCESSOR_PORT", String.valueOf(processorPort));
        env.put("PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + processorPort);
        env.put("PROCESSOR_STATE_DIR", Files.createTempDirectory(name + "-processor").toString());
        env.put("NOTIFIER_HOST", "127.0.0.1");
        env.put("NOTIFIER_PORT", "0");
        env.put("NOTIFIER_STATE_DIR", Files.createTempDirectory(name + "-notifier").toString());
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_STARTTLS", "false");
        env.put("OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true");
        return env;
    }
}
