package dev.onramp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.onramp.audit.AuditAccess;
import dev.onramp.devstack.simulate.SessionScript;
import dev.onramp.devstack.simulate.SimulationPlan;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.runtime.privacy.KafkaKeyStore;
import dev.onramp.runtime.privacy.PersonalFields;
import dev.onramp.runtime.privacy.SealedValue;
import dev.onramp.schemas.RecipientMask;
import dev.onramp.schemas.SessionOutcome;
import dev.onramp.schemas.SubjectKey;
import dev.onramp.schemas.Topic;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.schemas.serde.SchemaRegistryClient;
import dev.onramp.testkit.DevStackExtension;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/** The end-to-end run's erasure: one person forgotten through the platform API, checked on every topic's bytes. */
final class ErasedPerson {
    private ErasedPerson() {
    }

    /**
     * Before: the pipeline opens what it sealed (the query API answers the wallet, no email carries a sealed value).
     * The platform erases one person; within the key stores' refresh the query API answers "[erased]".
     */
    static SessionScript erase(SimulationPlan plan, int ingestPort, int processorPort, String apiKey, MimeMessage[] emails) throws Exception {
        SessionScript person = plan.sessions().stream()
                .filter(s -> s.ending() == SessionScript.Ending.FULFILLED && s.recipientEmail() != null).reduce((a, b) -> b).orElseThrow();
        String wallet = OnrampEvents.walletFor(person.network(), person.sessionId());
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest query = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + processorPort + "/v1/sessions/" + person.sessionId()))
                .header("Authorization", "Bearer " + apiKey).build();
        assertThat(http.send(query, HttpResponse.BodyHandlers.ofString()).body()).contains("\"wallet_address\":\"" + wallet + "\"");
        for (MimeMessage email : emails) {
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            email.writeTo(wire);
            assertThat(wire.toString(StandardCharsets.UTF_8)).as("composed from opened values").doesNotContain(SealedValue.PREFIX);
        }

        HttpResponse<String> erasure = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingestPort
                        + "/v1/sessions/" + person.sessionId() + "/personal-data"))
                .header("Authorization", "Bearer " + apiKey).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(erasure.statusCode()).as(erasure.body()).isEqualTo(200);
        assertThat(erasure.body()).contains("\"recipient\":true").doesNotContain("\"data_keys\":0");
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(http.send(query, HttpResponse.BodyHandlers.ofString()).body())
                        .contains("\"wallet_address\":\"" + SealedValue.ERASED + "\"").doesNotContain(wallet));
        return person;
    }

    /**
     * Every topic's bytes: the erased person's wallet, email and masked email in clear nowhere, and in sealed values no
     * key opens any more; everyone else's still open.
     */
    static void isForgotten(DevStackExtension stack, SimulationPlan plan, SessionScript erased, SchemaRegistryClient registry) {
        String wallet = OnrampEvents.walletFor(erased.network(), erased.sessionId());
        List<String> theirs = List.of(wallet, erased.recipientEmail(), RecipientMask.email(erased.recipientEmail()));
        for (Topic<?> topic : Topics.ALL) {
            for (byte[] value : TopicReader.rawValues(stack.bootstrapServers(), topic.name())) {
                String text = value == null ? "" : new String(value, StandardCharsets.ISO_8859_1);
                theirs.forEach(data -> assertThat(text).as(topic.name()).doesNotContain(data));
            }
        }
        try (KafkaKeyStore keys = new KafkaKeyStore(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new RegistryAvroDeserializer<>(SubjectKey.class, registry), Duration.ofMinutes(1))) {
            List<SessionOutcome> outcomes = TopicReader.readAll(stack.bootstrapServers(), Topics.SESSION_OUTCOMES.name(),
                    new StringDeserializer(), new RegistryAvroDeserializer<>(SessionOutcome.class, registry)).stream()
                    .map(ConsumerRecord::value).toList();
            Map<String, String> wallets = outcomes.stream().collect(Collectors.toMap(SessionOutcome::getSessionId,
                    o -> PersonalFields.open(o, keys).getTransactionDetails().getWalletAddress(), (a, b) -> b));
            assertThat(wallets.get(erased.sessionId())).isEqualTo(SealedValue.ERASED);
            plan.sessions().stream().filter(s -> wallets.containsKey(s.sessionId()) && !s.equals(erased)).forEach(s ->
                    assertThat(wallets.get(s.sessionId())).as(s.sessionId()).isEqualTo(OnrampEvents.walletFor(s.network(), s.sessionId())));
        }
        List<Map<String, Object>> timeline = new AuditAccess(stack.bootstrapServers(), registry).timeline(erased.sessionId());
        assertThat(timeline).filteredOn(e -> e.get("kind").equals("webhook")).isNotEmpty()
                .allSatisfy(e -> assertThat(e).containsEntry("body", SealedValue.ERASED));
        assertThat(timeline).filteredOn(e -> e.get("kind").equals("outcome")).singleElement()
                .satisfies(e -> assertThat(e.get("outcome")).isEqualTo("FULFILLED"));
    }
}
