package dev.onramp.notifier;

import static dev.onramp.notifier.NotifierFixture.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.onramp.runtime.kafka.TopicReader;
import dev.onramp.schemas.OutcomeKind;
import dev.onramp.schemas.PoisonRecord;
import dev.onramp.schemas.Topics;
import dev.onramp.schemas.serde.RegistryAvroDeserializer;
import dev.onramp.testkit.DevStackExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A garbage record on every partition of both inputs: set aside with its origin; every later user still told. */
class NotifierPoisonRecordIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    @Test
    void garbageOnBothInputsIsSetAsideAndLaterUsersAreStillTold() throws Exception {
        try (NotifierFixture fixture = new NotifierFixture(STACK)) {
            byte[] unknownId = ByteBuffer.allocate(7).put((byte) 0).putInt(424_242).put(new byte[] {1, 2}).array();
            try (var raw = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", STACK.bootstrapServers()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (String topic : List.of(Topics.SESSION_OUTCOMES.name(), Topics.RECIPIENTS.name())) {
                    for (int partition = 0; partition < 3; partition++) {
                        byte[] key = ("cos_Garbage" + partition).getBytes(StandardCharsets.UTF_8);
                        raw.send(new ProducerRecord<>(topic, partition, key, "garbage\n".getBytes(StandardCharsets.UTF_8))).get();
                        raw.send(new ProducerRecord<>(topic, partition, key, unknownId)).get();
                    }
                }
            }
            try (NotifierService notifier = fixture.startNotifier(Map.of())) {
                for (int i = 0; i < 6; i++) {
                    String session = String.format("cos_AfterGarbage%04d", i);
                    fixture.recipient(session, "after.garbage." + i + "@example.com", "en");
                    fixture.send(outcome(session, OutcomeKind.FULFILLED));
                }
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() ->
                        IntStream.range(0, 6)
                                .allMatch(i -> fixture.messagesTo("after.garbage." + i + "@example.com").size() == 1));
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<String> live = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + notifier.port() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(live.statusCode()).isEqualTo(200);
            }
            List<ConsumerRecord<byte[], PoisonRecord>> setAside = TopicReader.readAll(STACK.bootstrapServers(),
                    Topics.POISON_RECORDS.name(), new ByteArrayDeserializer(),
                    new RegistryAvroDeserializer<>(PoisonRecord.class, fixture.registry));
            assertThat(setAside).hasSize(12).allSatisfy(r -> {
                assertThat(r.value().getApplicationId()).isEqualTo(fixture.applicationId);
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("cos_Garbage" + r.value().getOriginPartition());
            });
            assertThat(setAside).extracting(r -> r.value().getOriginTopic())
                    .containsOnly(Topics.SESSION_OUTCOMES.name(), Topics.RECIPIENTS.name());
        }
    }
}
