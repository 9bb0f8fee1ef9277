package dev.onramp.ingest.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.ingest.IngestFixture;
import dev.onramp.runtime.kafka.KafkaConnection;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.runtime.privacy.SealedValue;
import dev.onramp.schemas.ErasureRequest;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.RawWebhook;
import dev.onramp.schemas.SessionRecipient;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topic;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroSerializer;
import dev.onramp.testkit.DevStackExtension;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Forgetting a person, checked on the broker's bytes: before the erasure no topic holds a wallet address or
 * transaction id in clear, but the pipeline opens them; after it, the erased session's values open to "[erased]" for
 * everyone, the other session's still open, and the recipient is gone.
 */
class PersonalDataErasureIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();
    static IngestFixture ingest;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ERASED = "cos_0ErasedPersonA0000001";
    private static final String KEPT = "cos_0KeptPersonB000000001";
    private static final long NOW = System.currentTimeMillis() / 1000;

    @BeforeAll
    static void start() {
        ingest = new IngestFixture(STACK, Map.of());
    }

    @AfterAll
    static void stop() {
        ingest.close();
    }

    @Test
    void anErasedSessionsWalletAndBodyBecomeUnreadableEverywhereAndOthersStayReadable() throws Exception {
        String erasedBody = OnrampEvents.sessionUpdated("evt_E1", ERASED, "fulfillment_processing", NOW);
        String keptBody = OnrampEvents.sessionUpdated("evt_K1", KEPT, "fulfillment_processing", NOW);
        assertThat(ingest.postWebhook(erasedBody).statusCode()).isEqualTo(200);
        assertThat(ingest.postWebhook(keptBody).statusCode()).isEqualTo(200);
        assertThat(ingest.postWebhook(OnrampEvents.sessionUpdated("evt_E2", ERASED, "fulfillment_complete", NOW + 1))
                .statusCode()).isEqualTo(200);
        assertThat(ingest.recipient("PUT", ERASED, "{\"email\":\"person.a@example.com\"}", IngestFixture.API_KEY).statusCode())
                .isEqualTo(204);
        String erasedWallet = walletOf(erasedBody);
        String keptWallet = walletOf(keptBody);

        List<ConsumerRecord<String, OnrampSessionEvent>> events = ingest.read(Topics.SESSION_EVENTS.name(), OnrampSessionEvent.class)
                .stream().filter(e -> List.of(ERASED, KEPT).contains(e.key())).toList();
        assertThat(events).hasSize(3);
        for (Topic<?> topic : List.of(Topics.WEBHOOKS_RAW, Topics.SESSION_EVENTS)) {
            assertThat(bytesOf(topic)).as("%s in clear", topic.name()).doesNotContain(erasedWallet).doesNotContain(keptWallet);
        }
        assertThat(ingest.read(Topics.SUBJECT_KEYS.name(), SubjectKey.class))
                .filteredOn(k -> k.value() != null && List.of(ERASED, KEPT).contains(k.value().getSubject()))
                .as("one key per session: the second event of a session reuses it").hasSize(2);
        try (KafkaKeyStore keys = ingest.keyStore()) {
            assertThat(events).allMatch(e -> !PersonalFields.open(e.value(), keys).getTransactionDetails().getWalletAddress()
                    .equals(SealedValue.ERASED));
            assertThat(walletOpened(events, ERASED, keys)).isEqualTo(erasedWallet);
        }

        var answer = ingest.send(ingest.request("DELETE", "/v1/sessions/" + ERASED + "/personal-data", IngestFixture.API_KEY));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode erased = JSON.readTree(answer.body());
        assertThat(erased.path("erased").path("data_keys").asInt()).isEqualTo(1);
        assertThat(erased.path("erased").path("recipient").asBoolean()).isTrue();

        try (KafkaKeyStore keys = ingest.keyStore()) {
            assertThat(walletOpened(events, ERASED, keys)).isEqualTo(SealedValue.ERASED);
            assertThat(walletOpened(events, KEPT, keys)).isEqualTo(keptWallet);
            for (ConsumerRecord<String, RawWebhook> raw : ingest.read(Topics.WEBHOOKS_RAW.name(), RawWebhook.class)) {
                String body = PersonalFields.open(raw.value().getPayload(), keys);
                if (raw.key().equals(ERASED)) {
                    assertThat(body).isEqualTo(SealedValue.ERASED);
                } else if (raw.key().equals(KEPT)) {
                    assertThat(body).as("the kept session's body, redacted").contains(keptWallet).contains("[REDACTED]");
                }
            }
        }
        List<ConsumerRecord<String, SessionRecipient>> recipients = ingest.read(Topics.RECIPIENTS.name(), SessionRecipient.class);
        assertThat(recipients.get(recipients.size() - 1).key()).isEqualTo(ERASED);
        assertThat(recipients.get(recipients.size() - 1).value()).as("a tombstone").isNull();

        var again = ingest.send(ingest.request("DELETE", "/v1/sessions/" + ERASED + "/personal-data", IngestFixture.API_KEY));
        assertThat(JSON.readTree(again.body()).path("erased").path("data_keys").asInt()).as("nothing left to erase").isZero();
        assertThat(ingest.send(ingest.request("DELETE", "/v1/sessions/" + KEPT + "/personal-data", null)).statusCode())
                .as("the platform's key is required").isEqualTo(401);
    }

    @Test
    void anErasureAskedOnTheConsoleIsCarriedOutByIngestFromItsTopic() throws Exception {
        String session = "cos_0ConsoleErasedC000001";
        assertThat(ingest.postWebhook(OnrampEvents.sessionUpdated("evt_C1", session, "fulfillment_processing", NOW)).statusCode())
                .isEqualTo(200);
        assertThat(ingest.recipient("PUT", session, "{\"email\":\"person.c@example.com\"}", IngestFixture.API_KEY).statusCode())
                .isEqualTo(204);
        List<String> keyIds;
        try (KafkaKeyStore keys = ingest.keyStore()) {
            keyIds = keys.keyIdsOf(session);
        }
        assertThat(keyIds).hasSize(1);

        request("era_first", session);
        request("era_second", session);

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(ingest.read(Topics.RECIPIENTS.name(), SessionRecipient.class))
                        .filteredOn(r -> r.key().equals(session) && r.value() == null).as("a recipient tombstone per request").hasSize(2));
        try (KafkaKeyStore keys = ingest.keyStore()) {
            assertThat(keys.keyIdsOf(session)).isEmpty();
            assertThat(keys.find(keyIds.get(0))).isEmpty();
        }
        List<ConsumerRecord<String, SubjectKey>> keyRecords = ingest.read(Topics.SUBJECT_KEYS.name(), SubjectKey.class);
        assertThat(keyRecords).filteredOn(r -> r.key().equals(keyIds.get(0)) && r.value() == null)
                .as("the key tombstoned once: the second request found nothing left").hasSize(1);
    }

    private static void request(String requestId, String session) throws Exception {
        KafkaConnection connection = KafkaConnection.local(STACK.bootstrapServers(), STACK.registryUrl());
        try (var producer = new KafkaProducer<String, SpecificRecord>(connection.clientConfig(), new StringSerializer(),
                new RegistryAvroSerializer<>(connection.registryClient()))) {
            producer.send(new ProducerRecord<>(Topics.ERASURE_REQUESTS.name(), session, ErasureRequest.newBuilder()
                    .setRequestId(requestId).setSessionId(session).setRequestedBy("adm_0123abcd").setRequestedAt(Instant.now())
                    .build())).get();
        }
    }

    private static String walletOf(String body) throws Exception {
        return JSON.readTree(body).path("data").path("object").path("transaction_details").path("wallet_address").asText();
    }

    private static String walletOpened(List<ConsumerRecord<String, OnrampSessionEvent>> events, String sessionId, KafkaKeyStore keys) {
        OnrampSessionEvent event = events.stream().filter(e -> e.key().equals(sessionId)).findFirst().orElseThrow().value();
        return PersonalFields.open(event, keys).getTransactionDetails().getWalletAddress();
    }

    private static String bytesOf(Topic<?> topic) {
        StringBuilder all = new StringBuilder();
        TopicReader.rawValues(STACK.bootstrapServers(), topic.name()).forEach(v -> all.append(new String(v, StandardCharsets.ISO_8859_1)));
        return all.toString();
    }
}
