package dev.onramp.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

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
    void aSecretHiddenByJsonEscapesIsStillRemoved() {
        String escapedKey = "{\"id\":\"evt_1\",\"client\\u005fsecret\":\"tops3cret\"}";
        ClientSecretRedactor.Redacted redacted = redactor.redact(escapedKey);
        assertThat(redacted.text()).doesNotContain("tops3cret");
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
}
