package dev.onramp.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.schemas.ContractSamples;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionStatus;
import dev.onramp.schemas.Topics;
import dev.onramp.testkit.DevStackExtension;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The serde against a real broker and a real registry, read back the way a Confluent-based consumer would. */
class RegistryAvroSerdeIntegrationTest {
    @RegisterExtension
    static final DevStackExtension STACK = new DevStackExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesConfluentWireFormatThatPlainAvroAndTheRegistryCanRead() throws Exception {
        String topic = Topics.SESSION_EVENTS.name();
        STACK.broker().createTopic(topic, 1, Map.of());
        OnrampSessionEvent event = ContractSamples.sessionEvent("cos_0MYfrA2eZvKYlo2CMoXbgkWb", SessionStatus.FULFILLMENT_PROCESSING);

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, RegistryAvroSerializer.class.getName());
        props.put(SerdeConfig.SCHEMA_REGISTRY_URL, STACK.registryUrl());
        try (KafkaProducer<String, OnrampSessionEvent> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, event.getSessionId(), event)).get(10, TimeUnit.SECONDS);
        }

        byte[] bytes = onlyValue(topic);
        assertThat(bytes[0]).isEqualTo((byte) 0x00);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();

        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(STACK.registryUrl() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Schema writer = new Schema.Parser().parse(JSON.readTree(response.body()).get("schema").asText());
        assertThat(writer.getFullName()).isEqualTo("dev.onramp.schemas.OnrampSessionEvent");

        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(decoded.get("session_id").toString()).isEqualTo("cos_0MYfrA2eZvKYlo2CMoXbgkWb");
        assertThat(decoded.get("status").toString()).isEqualTo("FULFILLMENT_PROCESSING");
        assertThat(((GenericRecord) decoded.get("transaction_details")).get("destination_amount").toString())
                .isEqualTo("0.123456789012345678");

        var deserializer = new RegistryAvroDeserializer<>(OnrampSessionEvent.class,
                new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5)));
        assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(event);
    }

    /** The topic's one record's value bytes, as a consumer that knows nothing of this project's serde sees them. */
    private static byte[] onlyValue(String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.bootstrapServers());
        try (var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            List<byte[]> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            assertThat(values).hasSize(1);
            return values.get(0);
        }
    }

    @Test
    void aRecordThatIsNotWireFormatIsAClearError() {
        var deserializer = new RegistryAvroDeserializer<>(OnrampSessionEvent.class,
                new SchemaRegistryClient(STACK.registryUrl(), Duration.ofSeconds(5)));
        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"json\":true}".getBytes()))
                .hasMessageContaining("magic byte");
    }
}
