package dev.onramp.session.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.devstack.stripe.OnrampEvents;
import org.junit.jupiter.api.Test;

class ClientSecretRedactorTest {
    private final ClientSecretRedactor redactor = new ClientSecretRedactor(new ObjectMapper());
    private final String secret = OnrampEvents.clientSecretOf("cos_1Mei3cKtfmbYgIJX");

    @Test
    void theClientSecretFieldIsRedactedAndTheRestKeptAsSent() {
        String body = OnrampEvents.sessionUpdated("evt_1", "cos_1Mei3cKtfmbYgIJX", "requires_payment", 1_700_000_000L);
        assertThat(body).contains(secret);
        ClientSecretRedactor.Redacted redacted = redactor.redact(body);
        assertThat(redacted.text()).doesNotContain(secret).contains("\"client_secret\":\"[REDACTED]\"");
        assertThat(redacted.text()).isEqualTo(body.replace(secret, "[REDACTED]"));
        assertThat(redacted.tree().path("data").path("object").path("id").asText()).isEqualTo("cos_1Mei3cKtfmbYgIJX");
    }

    @Test
    void aSecretShapedStringAnywhereIsRedacted() {
        String body = "{\"id\":\"evt_1\",\"data\":{\"object\":{\"metadata\":{\"note\":\"user pasted " + secret
                + " here\"},\"list\":[\"" + secret + "\"]}}}";
        String redacted = redactor.redact(body).text();
        assertThat(redacted).doesNotContain(secret).contains("user pasted [REDACTED] here");
    }

    @Test
    void aSecretHiddenByJsonEscapesIsStillRemovedAndTheLayoutKept() {
        String escapedKey = "{\"id\":\"evt_1\",\"client\\u005fsecret\" : \"tops3cret\"}";
        ClientSecretRedactor.Redacted redacted = redactor.redact(escapedKey);
        assertThat(redacted.text()).isEqualTo("{\"id\":\"evt_1\",\"client\\u005fsecret\" : \"[REDACTED]\"}");
        assertThat(redacted.tree().path("client_secret").asText()).isEqualTo("[REDACTED]");
        String escapedValue = "{\"id\":\"evt_1\",\"x\":\"cos_abc\\u005fsecret_def\"}";
        assertThat(redactor.redact(escapedValue).text()).doesNotContain("cos_abc_secret_def").doesNotContain("secret_def");
    }

    @Test
    void aBodyThatIsNotJsonIsRedactedByPattern() {
        String body = "not json " + secret + " \"client_secret\": \"abc\"";
        ClientSecretRedactor.Redacted redacted = redactor.redact(body);
        assertThat(redacted.isJson()).isFalse();
        assertThat(redacted.text()).doesNotContain(secret).doesNotContain("\"abc\"");
    }

    @Test
    void anyClientSecretValueIsRedactedAndTheLayoutAroundItKept() {
        String body = "{\"id\":\"evt_1\",\"client_secret\" :\n  \"not \\\"shaped\\\" like one\",\"next\":1}";
        ClientSecretRedactor.Redacted redacted = redactor.redact(body);
        assertThat(redacted.text()).isEqualTo("{\"id\":\"evt_1\",\"client_secret\" :\n  \"[REDACTED]\",\"next\":1}");
        assertThat(redacted.tree().path("next").asInt()).isEqualTo(1);
    }

    @Test
    void bytesAreCountedNotCharactersWhenTheBodyHasNonAsciiText() {
        String body = "{\"note\":\"caf\u00e9 \u2603 \ud83d\ude00\",\"client_secret\":\"" + secret + "\",\"after\":\"\u00fc " + secret + "\"}";
        ClientSecretRedactor.Redacted redacted = redactor.redact(body.getBytes(StandardCharsets.UTF_8));
        assertThat(redacted.text()).isEqualTo(body.replace(secret, "[REDACTED]"));
        assertThat(redacted.tree().path("note").asText()).isEqualTo("caf\u00e9 \u2603 \ud83d\ude00");
        assertThat(redacted.tree().path("after").asText()).isEqualTo("\u00fc [REDACTED]");
    }

    @Test
    void aSecretShapedKeyIsRedactedInTheTextAndTheTree() {
        String body = "{\"" + secret + "\": 1, \"b\": [\"x\", {\"c\": \"" + secret + "\"}]}";
        ClientSecretRedactor.Redacted redacted = redactor.redact(body);
        assertThat(redacted.text()).isEqualTo(body.replace(secret, "[REDACTED]"));
        assertThat(redacted.tree().has("[REDACTED]")).isTrue();
        assertThat(redacted.tree().toString()).doesNotContain(secret);
    }

    @Test
    void aClientSecretThatIsNotAStringIsRedactedByWritingTheTreeOut() {
        String body = "{\"id\":\"evt_1\", \"client_secret\": {\"value\": \"tops3cret\"}, \"n\": 1.50}";
        ClientSecretRedactor.Redacted redacted = redactor.redact(body);
        assertThat(redacted.text()).doesNotContain("tops3cret").contains("\"client_secret\":\"[REDACTED]\"");
        assertThat(redacted.tree().path("client_secret").asText()).isEqualTo("[REDACTED]");
        assertThat(redacted.tree().path("n").asDouble()).isEqualTo(1.5);
        assertThat(redactor.redact("{\"client_secret\": null}").text()).isEqualTo("{\"client_secret\": null}");
        assertThat(redactor.redact("{\"client_secret\": 12345}").text()).doesNotContain("12345");
    }

    @Test
    void theTreeIsWhatJacksonReadsFromTheRedactedText() throws Exception {
        ObjectMapper signed = SignedJson.mapper();
        ClientSecretRedactor strict = new ClientSecretRedactor(signed);
        for (String body : List.of(
                OnrampEvents.sessionUpdated("evt_1", "cos_1Mei3cKtfmbYgIJX", "fulfillment_complete", 1_700_000_000L),
                "{\"a\": [1, -2, 3.25, 1e3, 12345678901234567890, true, false, null, \"\\\"q\\\"\"], \"b\": {}}",
                "[\"" + secret + "\", {\"client_secret\": \"x\"}]", "\"" + secret + "\"", "42")) {
            ClientSecretRedactor.Redacted redacted = strict.redact(body);
            assertThat(redacted.text()).as(body).doesNotContain(secret);
            assertThat(redacted.tree()).as(body).isEqualTo(signed.readTree(redacted.text()));
        }
    }

    @Test
    void whatTheStrictMapperRefusesIsNotJson() {
        ClientSecretRedactor strict = new ClientSecretRedactor(SignedJson.mapper());
        for (String body : List.of("{\"id\":\"a\",\"id\":\"b\"}", "{} {}", "{\"a\":1", "", "  ", "{\"x\": NaN}",
                "[".repeat(100) + "]".repeat(100))) {
            assertThat(strict.redact(body).isJson()).as(body).isFalse();
        }
        String withSecret = "{\"client_secret\":\"" + secret + "\",\"client_secret\":\"" + secret + "\"}";
        assertThat(strict.redact(withSecret).text()).doesNotContain(secret);
    }
}
