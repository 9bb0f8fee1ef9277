package dev.onramp.devtools;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.LocalKafkaBroker;
import dev.onramp.devstack.LocalSchemaRegistry;
import dev.onramp.devstack.stripe.FakeStripe;
import dev.onramp.console.ConsoleConfig;
import dev.onramp.console.ConsoleService;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.ProcessorService;
import dev.onramp.runtime.Env;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code onramp dev}: the whole pipeline on this machine in one process. A Kafka broker and a schema registry
 * keep their data under {@code ./data}, so a restart resumes with every event; then ingest, processor and notifier.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Start Kafka, the schema registry, ingest, processor and notifier locally; Ctrl-C stops them.")
final class DevCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(DevCommand.class);
    private static final String LOCAL_STRIPE_KEY = "sk_test_onramp_local_stripe";

    @Option(names = "--data", description = "Where Kafka, the registry, state and the outbox live (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of(System.getenv().getOrDefault("ONRAMP_DATA_DIR", "data"));

    @Option(names = {"--kafka-only", "--platform-only"}, description = "Start only Kafka and the schema registry.")
    boolean kafkaOnly;

    @Override
    public Integer call() throws InterruptedException, IOException {
        long began = System.nanoTime();
        DataDirLock lock = DataDirLock.acquire(dataDir);
        Map<String, String> env = new HashMap<>(System.getenv());
        Deque<AutoCloseable> running = new ArrayDeque<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping...");
            while (!running.isEmpty()) {
                try {
                    running.pop().close();
                } catch (Exception e) {
                    log.warn("while stopping: {}", e.toString());
                }
            }
            lock.close();
            System.out.println("stopped; data kept in " + dataDir.toAbsolutePath());
            stopped.countDown();
        }, "dev-shutdown"));

        LocalKafkaBroker broker = LocalKafkaBroker.startPersistent(dataDir.resolve("kafka"),
                Integer.parseInt(env.getOrDefault("ONRAMP_KAFKA_PORT", "9092")));
        running.push(broker);
        LocalSchemaRegistry registry = LocalSchemaRegistry.startPersistent(dataDir.resolve("registry"),
                Integer.parseInt(env.getOrDefault("ONRAMP_REGISTRY_PORT", "8085")));
        running.push(registry);

        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", registry.url());
        StringBuilder summary = new StringBuilder("\nonramp-pipeline is running\n");
        summary.append(String.format("  Kafka              %s   (log in %s)%n", broker.bootstrapServers(), broker.logDir().toAbsolutePath()));
        summary.append(String.format("  Schema registry    %s%n", registry.url()));

        if (!kafkaOnly) {
            DevSecrets secrets = DevSecrets.loadOrCreate(dataDir, env);
            Map<String, String> given = Map.copyOf(env);
            defaults(env, secrets);
            FakeStripe stripe = env.get("STRIPE_API_KEY") == null ? localStripe(env, secrets) : null;
            if (stripe != null) {
                running.push(stripe);
            }
            Env config = new Env(env);

            IngestService ingest = IngestService.start(IngestConfig.fromEnv(config));
            running.push(ingest);
            ProcessorService processor = ProcessorService.start(ProcessorConfig.fromEnv(config));
            running.push(processor);
            NotifierConfig notifierConfig = NotifierConfig.fromEnv(config);
            NotifierService notifier = NotifierService.start(notifierConfig);
            running.push(notifier);
            env.putIfAbsent("CONSOLE_WATCH", "ingest=http://127.0.0.1:" + ingest.adminPort() + ",processor=http://127.0.0.1:"
                    + processor.port() + ",notifier=http://127.0.0.1:" + notifier.port());
            ConsoleService console = ConsoleService.start(ConsoleConfig.fromEnv(new Env(env)));
            running.push(console);

            summary.append(String.format("  Ingest             http://127.0.0.1:%d   (health and metrics on http://127.0.0.1:%d)%n",
                    ingest.port(), ingest.adminPort()));
            summary.append(String.format("  Processor          http://127.0.0.1:%d   (GET /v1/sessions/{id})%n", processor.port()));
            summary.append(String.format("  Notifier           http://127.0.0.1:%d%n", notifier.port()));
            summary.append(String.format("  Console            http://127.0.0.1:%d/console   (ops API under /v1; admin key %s, ADMIN_API_KEY;"
                    + " development only)%n", console.port(), shown(given, "ADMIN_API_KEY", secrets.adminApiKey())));
            summary.append(String.format("%n  Webhook URL        http://127.0.0.1:%d/webhooks/stripe%n", ingest.port()));
            summary.append(String.format("  Webhook secret     %s   (STRIPE_WEBHOOK_SECRETS; development only)%n",
                    shown(given, "STRIPE_WEBHOOK_SECRETS", secrets.webhookSecret())));
            summary.append(String.format("  Platform API key   %s   (PLATFORM_API_KEY; development only)%n",
                    shown(given, "PLATFORM_API_KEY", secrets.platformApiKey())));
            summary.append(String.format("  Stripe API         %s%n", stripe != null
                    ? stripe.apiBase() + "   (a local stand-in: minted sessions move on their own and send their webhooks here;"
                    + " set STRIPE_API_KEY for Stripe's test mode)"
                    : env.getOrDefault("STRIPE_API_BASE", "https://api.stripe.com") + "   (STRIPE_API_KEY set)"));
            summary.append(String.format("  VAPID public key   %s   (applicationServerKey for pushManager.subscribe)%n",
                    secrets.vapidPublicKey()));
            summary.append(String.format("  Platform webhooks  %s, signed with %s   (PLATFORM_WEBHOOK_SECRETS; development only)%n",
                    notifierConfig.webhook().url() == null ? "to each session's webhook_url" : notifierConfig.webhook().url(),
                    shown(given, "PLATFORM_WEBHOOK_SECRETS", secrets.platformWebhookSecret())));
            summary.append(String.format("  Emails             %s%n", notifierConfig.smtp().host() == null
                    ? "written to " + notifierConfig.outboxDir().toAbsolutePath() + " (set SMTP_HOST to send)"
                    : notifierConfig.smtp().toString()));
        }
        summary.append(String.format("%n  started in %.1f s; Ctrl-C stops everything, data stays in %s%n",
                (System.nanoTime() - began) / 1e9, dataDir.toAbsolutePath()));
        System.out.println(summary);
        stopped.await();
        return 0;
    }

    /** A secret this command generated is printed, to be used; one the environment set is the user's own and never is. */
    static String shown(Map<String, String> given, String variable, String secret) {
        return given.containsKey(variable) ? "[set in the environment, not shown]" : secret;
    }

    /** Every service setting {@code onramp dev} chooses, unless the environment already has it. */
    private void defaults(Map<String, String> env, DevSecrets secrets) {
        env.putIfAbsent("STRIPE_WEBHOOK_SECRETS", secrets.webhookSecret());
        env.putIfAbsent("PLATFORM_API_KEY", secrets.platformApiKey());
        env.putIfAbsent("INGEST_HOST", "127.0.0.1");
        env.putIfAbsent("PROCESSOR_HOST", "127.0.0.1");
        env.putIfAbsent("NOTIFIER_HOST", "127.0.0.1");
        env.putIfAbsent("INGEST_PORT", String.valueOf(FreePorts.preferred(8080)));
        env.putIfAbsent("INGEST_ADMIN_PORT", String.valueOf(FreePorts.preferred(8090)));
        env.putIfAbsent("PROCESSOR_PORT", String.valueOf(FreePorts.preferred(8081)));
        env.putIfAbsent("PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + env.get("PROCESSOR_PORT"));
        env.putIfAbsent("NOTIFIER_PORT", String.valueOf(FreePorts.preferred(8082)));
        env.putIfAbsent("PROCESSOR_STATE_DIR", dataDir.resolve("processor-state").toString());
        env.putIfAbsent("NOTIFIER_STATE_DIR", dataDir.resolve("notifier-state").toString());
        env.putIfAbsent("NOTIFIER_OUTBOX_DIR", dataDir.resolve("outbox").toString());
        env.putIfAbsent("INGEST_TRANSACTIONAL_ID", "onramp-ingest-dev");
        env.putIfAbsent("VAPID_PUBLIC_KEY", secrets.vapidPublicKey());
        env.putIfAbsent("VAPID_PRIVATE_KEY", secrets.vapidPrivateKey());
        env.putIfAbsent("VAPID_SUBJECT", "mailto:dev@onramp.local");
        env.putIfAbsent("PLATFORM_WEBHOOK_SECRETS", secrets.platformWebhookSecret());
        env.putIfAbsent("UNSUBSCRIBE_SECRETS", secrets.unsubscribeSecret());
        env.putIfAbsent("UNSUBSCRIBE_BASE_URL", "http://127.0.0.1:" + env.get("INGEST_PORT"));
        // Push endpoints and webhook URLs on this machine (a local page, onramp simulate) are the point in dev.
        env.putIfAbsent("OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true");
        env.putIfAbsent("ADMIN_API_KEY", secrets.adminApiKey());
        env.putIfAbsent("CONSOLE_HOST", "127.0.0.1");
        env.putIfAbsent("CONSOLE_PORT", String.valueOf(FreePorts.preferred(8095)));
        // Plain http on this machine: a Secure cookie would never be sent back.
        env.putIfAbsent("CONSOLE_SECURE_COOKIE", "false");
        env.putIfAbsent("CONSOLE_TRANSACTIONAL_ID", "onramp-console-dev");
        env.putIfAbsent("PROCESSOR_URL", "http://127.0.0.1:" + env.get("PROCESSOR_PORT"));
    }

    /** Stripe's onramp endpoints on this machine, moving each minted session along and sending its webhooks to ingest. */
    private static FakeStripe localStripe(Map<String, String> env, DevSecrets secrets) throws IOException {
        FakeStripe stripe = new FakeStripe(FreePorts.preferred(12111), LOCAL_STRIPE_KEY, new FakeStripe.Lifecycle(
                "http://127.0.0.1:" + env.get("INGEST_PORT") + "/webhooks/stripe", secrets.webhookSecret().split(",")[0].trim(),
                Duration.ofMillis(Long.parseLong(env.getOrDefault("ONRAMP_LOCAL_STRIPE_STEP_MS", "2000"))), 0.15, 0.10),
                System.nanoTime());
        env.put("STRIPE_API_KEY", LOCAL_STRIPE_KEY);
        env.put("STRIPE_API_BASE", stripe.apiBase());
        return stripe;
    }
}
