package dev.onramp.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.onramp.devstack.stripe.WebhookSigner;
import dev.onramp.runtime.Env;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.testkit.DevStackExtension;
import dev.onramp.testkit.OpenTransactions;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** A running ingest on the test class's broker, and the HTTP calls Stripe and the platform make to it. */
public final class IngestFixture implements AutoCloseable {
    static final String SECRET = "whsec_test_secret_for_ingest_0001";
    public static final String API_KEY = "platform-key-for-tests-0123456789";

    final DevStackExtension stack;
    final IngestService service;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public IngestFixture(DevStackExtension stack, Map<String, String> extraEnv) {
        this.stack = stack;
        Map<String, String> env = new HashMap<>(Map.of(
                "INGEST_HOST", "127.0.0.1",
                "INGEST_PORT", "0",
                "INGEST_ADMIN_PORT", "0",
                "STRIPE_WEBHOOK_SECRETS", SECRET,
                "PLATFORM_API_KEY", API_KEY,
                "KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", stack.registryUrl(),
                "INGEST_TRANSACTIONAL_ID", "ingest-test-" + System.nanoTime()));
        env.putAll(extraEnv);
        this.service = IngestService.start(IngestConfig.fromEnv(new Env(env)));
    }

    String url(String path) {
        return "http://127.0.0.1:" + service.port() + path;
    }

    /** A platform API request, with the key when one is given. */
    public HttpRequest request(String method, String path, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return request.build();
    }

    public HttpResponse<String> postWebhook(String body) {
        return postWebhook(body, WebhookSigner.header(SECRET, System.currentTimeMillis() / 1000, body));
    }

    HttpResponse<String> postWebhook(String body, String signatureHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/webhooks/stripe")))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        return send(request.build());
    }

    public HttpResponse<String> recipient(String method, String sessionId, String body, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url("/v1/sessions/" + sessionId + "/recipient")))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        return send(request.build());
    }

    URI uri(String path) {
        return URI.create(url(path));
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).build());
    }

    /** A GET on the admin port: health and metrics. */
    HttpResponse<String> admin(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.adminPort() + path))
                .timeout(Duration.ofSeconds(30)).build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The topic's committed records. A 2xx means the transaction committed, but Kafka writes the commit markers to the
     * partitions just after: until they land, a read_committed reader stops short. So first wait for no partition of
     * the topic to hold an open transaction (its last stable offset equal to its end).
     */
    public <V extends SpecificRecord> List<ConsumerRecord<String, V>> read(String topic, Class<V> type) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> OpenTransactions.noneIn(stack.bootstrapServers(), topic));
        var registry = KafkaConnection.local(stack.bootstrapServers(), stack.registryUrl()).registryClient();
        return TopicReader.readAll(stack.bootstrapServers(), topic, new StringDeserializer(),
                new RegistryAvroDeserializer<>(type, registry));
    }

    /** {@link #read}, each value's sealed fields opened with the data keys on the broker now. */
    public <V extends SpecificRecord> List<ConsumerRecord<String, V>> readOpened(String topic, Class<V> type) {
        List<ConsumerRecord<String, V>> records = read(topic, type);
        try (KafkaKeyStore keys = keyStore()) {
            return records.stream().map(r -> new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(),
                    r.value() == null ? null : PersonalFields.open(r.value(), keys))).toList();
        }
    }

    /** A sealed value opened with the data keys on the broker now ({@code [erased]} where the key is gone). */
    public String opened(String value) {
        try (KafkaKeyStore keys = keyStore()) {
            return PersonalFields.open(value, keys);
        }
    }

    public KafkaKeyStore keyStore() {
        var registry = KafkaConnection.local(stack.bootstrapServers(), stack.registryUrl()).registryClient();
        return new KafkaKeyStore(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new RegistryAvroDeserializer<>(SubjectKey.class, registry), Duration.ZERO);
    }

    @Override
    public void close() {
        service.close();
    }
}
