package dev.onramp.session.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionStatus;
import org.junit.jupiter.api.Test;

class WebhookMapperTest {
    private final ObjectMapper json = SignedJson.mapper();
    private final WebhookMapper mapper = new WebhookMapper();
    private final Instant received = Instant.parse("2026-11-25T12:00:00.123Z");

    private OnrampSessionEvent map(String body) throws Exception {
        JsonNode tree = json.readTree(body);
        return mapper.sessionEvent(tree, mapper.envelope(tree), received, "abc").orElseThrow();
    }

    @Test
    void mapsTheEnvelopeAndTheSession() throws Exception {
        String body = OnrampEvents.sessionUpdated("evt_9", "cos_0MYfrA2eZvKYlo2C", "fulfillment_complete", 1_700_000_500L);
        OnrampSessionEvent event = map(body);
        assertThat(event.getEventId()).isEqualTo("evt_9");
        assertThat(event.getEventType()).isEqualTo("crypto.onramp_session_updated");
        assertThat(event.getEventCreated()).isEqualTo(Instant.ofEpochSecond(1_700_000_500L));
        assertThat(event.getSessionId()).isEqualTo("cos_0MYfrA2eZvKYlo2C");
        assertThat(event.getStatus()).isEqualTo(SessionStatus.FULFILLMENT_COMPLETE);
        assertThat(event.getStatusRaw()).isEqualTo("fulfillment_complete");
        assertThat(event.getSessionCreated()).isEqualTo(Instant.ofEpochSecond(1_700_000_440L));
        assertThat(event.getApiVersion()).isEqualTo("2023-10-16");
        assertThat(event.getReceivedAt()).isEqualTo(received);
        var details = event.getTransactionDetails();
        assertThat(details.getDestinationAmount()).isEqualTo("0.031415926535897932");
        assertThat(details.getDestinationCurrency()).isEqualTo("eth");
        assertThat(details.getDestinationNetwork()).isEqualTo("ethereum");
        assertThat(details.getFees().getNetworkFeeAmount()).isEqualTo("0.89");
        assertThat(details.getSourceAmount()).isEqualTo("100.00");
        assertThat(details.getTransactionId()).startsWith("0xabab");
        assertThat(details.getWalletAddresses()).containsKey("ethereum");
    }

    @Test
    void aSessionEventBecomesARawRecordAndAnEventBothKeyedBySession() throws Exception {
        String body = OnrampEvents.sessionUpdated("evt_9", "cos_0MYfrA2eZvKYlo2C", "requires_payment", 1_700_000_500L);
        var redacted = new ClientSecretRedactor(json).redact(body);
        WebhookReceipt receipt = new WebhookReceipt("abc", "t=1,v1=x", "whsec_...1234", received);
        MappedWebhook mapped = mapper.map(redacted, receipt);
        assertThat(mapped.records()).extracting(r -> r.topic() + " " + r.key()).containsExactly(
                "onramp.webhooks.raw.v1 cos_0MYfrA2eZvKYlo2C", "onramp.session-events.v1 cos_0MYfrA2eZvKYlo2C");
        assertThat(mapped.raw().getPayload()).isEqualTo(redacted.text()).doesNotContain("_secret_");
        assertThat(mapped.raw().getVerifiedBy()).isEqualTo("whsec_...1234");
        assertThat(mapped.raw().getReceivedAt()).isEqualTo(received);
    }

    @Test
    void anEventOfAnotherTypeIsKeptRawOnlyKeyedByItsId() throws Exception {
        String body = "{\"id\":\"evt_7\",\"type\":\"customer.created\",\"created\":1,\"data\":{\"object\":{\"id\":\"cus_1\"}}}";
        MappedWebhook mapped = mapper.map(new ClientSecretRedactor(json).redact(body), new WebhookReceipt("abc", "h", "k", received));
        assertThat(mapped.event()).isEmpty();
        assertThat(mapped.records()).extracting(r -> r.topic() + " " + r.key()).containsExactly("onramp.webhooks.raw.v1 evt_7");
    }

    @Test
    void aBodyWithADuplicateKeyOrTrailingContentIsNotOneJsonDocument() {
        String body = OnrampEvents.sessionUpdated("evt_9", "cos_0MYfrA2eZvKYlo2C", "fulfillment_complete", 1L);
        String duplicate = body.replace("\"status\":\"fulfillment_complete\"",
                "\"status\":\"fulfillment_complete\",\"status\":\"rejected\"");
        assertThat(duplicate).isNotEqualTo(body);
        assertThatThrownBy(() -> json.readTree(duplicate)).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> json.readTree(body + " {\"id\":\"evt_other\"}")).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void anAmountWithAnAbsurdExponentIsUnmappableNotABillionDigits() {
        String body = OnrampEvents.sessionUpdated("evt_9", "cos_0MYfrA2eZvKYlo2C", "fulfillment_complete", 1L)
                .replace("\"destination_amount\":\"0.031415926535897932\"", "\"destination_amount\":1e999999999");
        assertThat(body).contains("1e999999999");
        assertThatThrownBy(() -> map(body)).isInstanceOf(UnmappableWebhook.class);
        String plain = body.replace("1e999999999", "0.5e1");
        assertThatCode(() -> assertThat(map(plain).getTransactionDetails().getDestinationAmount()).isEqualTo("5"))
                .doesNotThrowAnyException();
    }

    @Test
    void theDottedTypeSpellingIsASessionEventToo() throws Exception {
        String body = OnrampEvents.sessionUpdated("evt_9", "cos_0MYfrA2eZvKYlo2C", "initialized", 1L)
                .replace("crypto.onramp_session_updated", "crypto.onramp_session.updated");
        assertThat(map(body).getEventType()).isEqualTo("crypto.onramp_session.updated");
    }

    @Test
    void anUnknownStatusIsKeptNotRefused() throws Exception {
        String body = OnrampEvents.sessionUpdated("evt_9", "cos_0MYfrA2eZvKYlo2C", "requires_verification", 1L);
        OnrampSessionEvent event = map(body);
        assertThat(event.getStatus()).isEqualTo(SessionStatus.UNKNOWN);
        assertThat(event.getStatusRaw()).isEqualTo("requires_verification");
    }

    @Test
    void numericAmountsKeepTheirExactDecimalText() throws Exception {
        String body = OnrampEvents.sessionUpdated("evt_9", "cos_0MYfrA2eZvKYlo2C", "initialized", 1L)
                .replace("\"0.031415926535897932\"", "0.031415926535897932");
        assertThat(map(body).getTransactionDetails().getDestinationAmount()).isEqualTo("0.031415926535897932");
    }

    @Test
    void otherEventTypesMapToNoSessionEvent() throws Exception {
        JsonNode tree = json.readTree("{\"id\":\"evt_2\",\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"cus_1\"}}}");
        assertThat(mapper.sessionEvent(tree, mapper.envelope(tree), received, "abc")).isEmpty();
    }

    @Test
    void missingIdTypeOrObjectIdIsUnmappable() {
        assertThatThrownBy(() -> mapper.envelope(json.readTree("{\"type\":\"x\",\"data\":{\"object\":{\"id\":\"a\"}}}")))
                .isInstanceOf(UnmappableWebhook.class).hasMessage("missing or empty id");
        assertThatThrownBy(() -> mapper.envelope(json.readTree("{\"id\":\"evt\",\"data\":{\"object\":{\"id\":\"a\"}}}")))
                .isInstanceOf(UnmappableWebhook.class).hasMessage("missing or empty type");
        assertThatThrownBy(() -> mapper.envelope(json.readTree("{\"id\":\"evt\",\"type\":\"x\",\"data\":{}}")))
                .isInstanceOf(UnmappableWebhook.class).hasMessage("missing or empty data.object.id");
        assertThatThrownBy(() -> mapper.envelope(json.readTree("[1,2]")))
                .isInstanceOf(UnmappableWebhook.class).hasMessage("body is not a JSON object");
    }

    @Test
    void aSessionEventWithoutStatusOrCreatedIsUnmappable() {
        String noStatus = "{\"id\":\"evt\",\"type\":\"crypto.onramp_session_updated\",\"created\":1,\"data\":{\"object\":{\"id\":\"cos_1\"}}}";
        assertThatThrownBy(() -> map(noStatus)).isInstanceOf(UnmappableWebhook.class).hasMessage("missing or empty data.object.status");
        String noCreated = "{\"id\":\"evt\",\"type\":\"crypto.onramp_session_updated\","
                + "\"data\":{\"object\":{\"id\":\"cos_1\",\"status\":\"initialized\"}}}";
        assertThatThrownBy(() -> map(noCreated)).isInstanceOf(UnmappableWebhook.class).hasMessage("missing or non-numeric created");
    }
}
