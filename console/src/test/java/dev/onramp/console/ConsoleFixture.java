package dev.onramp.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.onramp.devstack.FreePorts;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;
import dev.onramp.ingest.IngestConfig;
import dev.onramp.ingest.IngestService;
import dev.onramp.session.webhook.ClientSecretRedactor;
import dev.onramp.session.webhook.SignedJson;
import dev.onramp.notifier.NotifierConfig;
import dev.onramp.notifier.NotifierService;
import dev.onramp.notifier.push.VapidKeys;
import dev.onramp.processor.ProcessorConfig;
import dev.onramp.processor.ProcessorService;
import dev.onramp.runtime.Env;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.WebhookDeadLetter;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import dev.onramp.testkit.DevStackExtension;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The whole pipeline in this JVM against a test class's broker, as an operator runs it: ingest, processor, notifier
 * and the console, configured only by environment variables. {@code smtpPort}: where emails go (a port nothing
 * listens on makes every email fail).
 */
public final class ConsoleFixture implements AutoCloseable {
    public static final String WEBHOOK_SECRET = "whsec_console_test_secret_0123456789";
    public static final String PLATFORM_KEY = "console-test-platform-key-0123456789";
    public static final String ADMIN_KEY = "console-test-admin-key-abcdef0123456789";
    public static final VapidKeys.Generated VAPID = VapidKeys.generate();

    public final IngestService ingest;
    public final ProcessorService processor;
    public final NotifierService notifier;
    public final ConsoleService console;
    public final Env env;
    private final HttpClient http = HttpClient.newHttpClient();

    public ConsoleFixture(DevStackExtension stack, int smtpPort, Map<String, String> overrides) {
        try {
            this.env = env(stack, smtpPort, overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ingest = IngestService.start(IngestConfig.fromEnv(env));
        processor = ProcessorService.start(ProcessorConfig.fromEnv(env));
        processor.awaitRunning(Duration.ofSeconds(60));
        notifier = NotifierService.start(NotifierConfig.fromEnv(env));
        Map<String, String> consoleEnv = new HashMap<>(env.values());
        consoleEnv.put("CONSOLE_WATCH", "ingest=http://127.0.0.1:" + ingest.adminPort() + ",processor=http://127.0.0.1:"
                + processor.port() + ",notifier=http://127.0.0.1:" + notifier.port());
        console = ConsoleService.start(ConsoleConfig.fromEnv(new Env(consoleEnv)));
    }

    private static Env env(DevStackExtension stack, int smtpPort, Map<String, String> overrides) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        env.put("SCHEMA_REGISTRY_URL", stack.registryUrl());
        env.put("STRIPE_WEBHOOK_SECRETS", WEBHOOK_SECRET);
        env.put("PLATFORM_API_KEY", PLATFORM_KEY);
        env.put("ADMIN_API_KEY", ADMIN_KEY);
        env.put("INGEST_HOST", "127.0.0.1");
        env.put("INGEST_PORT", "0");
        env.put("INGEST_ADMIN_PORT", "0");
        env.put("INGEST_TRANSACTIONAL_ID", "console-test-ingest");
        int processorPort = FreePorts.pick();
        env.put("PROCESSOR_HOST", "127.0.0.1");
        env.put("PROCESSOR_PORT", String.valueOf(processorPort));
        env.put("PROCESSOR_ADVERTISED_URL", "http://127.0.0.1:" + processorPort);
        env.put("PROCESSOR_URL", "http://127.0.0.1:" + processorPort);
        env.put("PROCESSOR_STATE_DIR", Files.createTempDirectory("console-processor").toString());
        env.put("NOTIFIER_HOST", "127.0.0.1");
        env.put("NOTIFIER_PORT", "0");
        env.put("NOTIFIER_STATE_DIR", Files.createTempDirectory("console-notifier").toString());
        env.put("SMTP_HOST", "127.0.0.1");
        env.put("SMTP_PORT", String.valueOf(smtpPort));
        env.put("SMTP_STARTTLS", "false");
        env.put("VAPID_PUBLIC_KEY", VAPID.publicKey());
        env.put("VAPID_PRIVATE_KEY", VAPID.privateKey());
        env.put("OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true");
        env.put("CONSOLE_HOST", "127.0.0.1");
        env.put("CONSOLE_PORT", "0");
        env.put("CONSOLE_SECURE_COOKIE", "false");
        env.put("CONSOLE_WATCH_INTERVAL", "1s");
        env.put("CONSOLE_TRANSACTIONAL_ID", "console-test");
        env.putAll(overrides);
        return new Env(env);
    }

    public String consoleUrl() {
        return "http://127.0.0.1:" + console.port();
    }

    /** Stripe's webhook for the session at that status, signed; the status code ingest answered. */
    public int webhook(String eventId, String sessionId, String status) {
        return deliver(OnrampEvents.sessionUpdated(eventId, sessionId, status, Instant.now().getEpochSecond()));
    }

    public int deliver(String body) {
        long now = Instant.now().getEpochSecond();
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/webhooks/stripe"))
                .header("Stripe-Signature", WebhookSigner.header(WEBHOOK_SECRET, now, body))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()).statusCode();
    }

    /**
     * A webhook dead letter as an older ingest wrote it (a body today's mapping may read, with the reason it gave):
     * what a mapping fix leaves behind for a redrive. The body is redacted, as ingest stores it.
     */
    public void deadLetterWebhook(String body, String reason) {
        String redacted = new ClientSecretRedactor(SignedJson.mapper()).redact(body).text();
        WebhookDeadLetter letter = WebhookDeadLetter.newBuilder().setReason(reason)
                .setBody(ByteBuffer.wrap(redacted.getBytes(StandardCharsets.UTF_8)))
                .setBodySha256(Integer.toHexString(body.hashCode())).setSignatureHeader("t=1,v1=…").setVerifiedBy("1:test")
                .setReceivedAt(Instant.now()).build();
        write(Topics.WEBHOOKS_DLQ.name(), letter.getBodySha256(), letter);
    }

    /** One record written as its topic's owner would (what a service of the pipeline not running here writes). */
    public void write(String topic, String key, SpecificRecord value) {
        RegistryAvroSerializer<SpecificRecord> values = new RegistryAvroSerializer<>(
                new SchemaRegistryClient(env.required("SCHEMA_REGISTRY_URL"), Duration.ofSeconds(5)));
        values.configure(Map.of(), false);
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.required("KAFKA_BOOTSTRAP_SERVERS"));
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(), values)) {
            producer.send(new ProducerRecord<>(topic, key, value));
        }
    }

    /** Registers who to tell about the session (a JSON body of the recipient API). */
    public int recipient(String sessionId, String json) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/v1/sessions/" + sessionId + "/recipient"))
                .header("Authorization", "Bearer " + PLATFORM_KEY).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build()).statusCode();
    }

    /** The processor's view of a session (404 body when unknown). */
    public HttpResponse<String> session(String sessionId) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + processor.port() + "/v1/sessions/" + sessionId))
                .header("Authorization", "Bearer " + PLATFORM_KEY).GET().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        console.close();
        notifier.close();
        processor.close();
        ingest.close();
    }
}
