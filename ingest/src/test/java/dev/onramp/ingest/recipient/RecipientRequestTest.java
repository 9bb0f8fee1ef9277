package dev.onramp.ingest.recipient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecipientRequestTest {
    @ParameterizedTest
    @ValueSource(strings = {"user@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.org"})
    void acceptsBareAddresses(String email) {
        assertThat(RecipientRequest.validEmail(email)).isEqualTo(email);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "a@b", "Alice <alice@example.com>", "a@@example.com", "a b@example.com",
            "user@example.com, other@example.com", "user@[127.0.0.1]", "user@exa mple.com",
            "\"quoted local\"@example.com", "user@example.com\r\nBcc: victim@example.com", "usér@example.com",
            "user@exämple.com", "user\n@example.com", ".user@example.com", "user.@example.com"})
    void refusesWhatIsNotOneBareAddress(String email) {
        assertThatThrownBy(() -> RecipientRequest.validEmail(email)).isInstanceOf(ApiError.class)
                .extracting(e -> ((ApiError) e).code()).isEqualTo("invalid_email");
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "fr", "fr-FR", "pt-BR", "de"})
    void acceptsLocales(String locale) {
        assertThat(RecipientRequest.validLocale(locale)).isEqualToIgnoringCase(locale);
    }

    @ParameterizedTest
    @ValueSource(strings = {"english", "xx", "fr_FR", "en-", "123"})
    void refusesOtherLocales(String locale) {
        assertThatThrownBy(() -> RecipientRequest.validLocale(locale)).isInstanceOf(ApiError.class);
    }

    private static final String P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
    private static final String AUTH = "tBHItJI5svbpez7KI4CCXg";

    @Test
    void aPushSubscriptionKeepsOnlyItsEndpointAndKeys() throws Exception {
        JsonNode browser = new ObjectMapper().readTree("{\"endpoint\":\"https://updates.push.services.mozilla.com/wpush/v2/gAAA\","
                + "\"expirationTime\":null,\"keys\":{\"p256dh\":\"" + P256DH + "\",\"auth\":\"" + AUTH + "\"},\"extra\":1}");
        String kept = RecipientRequest.validPushSubscription(browser, OutboundUrlPolicy.publicOnly());
        assertThat(new ObjectMapper().readTree(kept)).isEqualTo(new ObjectMapper().readTree("{\"endpoint\":"
                + "\"https://updates.push.services.mozilla.com/wpush/v2/gAAA\",\"keys\":{\"p256dh\":\"" + P256DH + "\",\"auth\":\"" + AUTH + "\"}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"endpoint\":\"http://push.example.com/x\",\"keys\":{\"p256dh\":\"P\",\"auth\":\"A\"}}",
        "{\"endpoint\":\"https://push.example.com/x\",\"keys\":{\"p256dh\":\"AAAA\",\"auth\":\"A\"}}",
        "{\"endpoint\":\"https://push.example.com/x\",\"keys\":{\"p256dh\":\"P\",\"auth\":\"c2hvcnQ\"}}",
        "{\"endpoint\":\"https://192.168.0.10/x\",\"keys\":{\"p256dh\":\"P\",\"auth\":\"A\"}}", "[1]", "\"text\""})
    void aPushSubscriptionThatCannotBeUsedIsRefused(String json) throws Exception {
        JsonNode node = new ObjectMapper().readTree(json.replace("\"P\"", "\"" + P256DH + "\"").replace("\"A\"", "\"" + AUTH + "\""));
        assertThatThrownBy(() -> RecipientRequest.validPushSubscription(node, OutboundUrlPolicy.publicOnly()))
                .isInstanceOf(ApiError.class).extracting(e -> ((ApiError) e).code()).isEqualTo("invalid_push_subscription");
    }

    @Test
    void aWebhookUrlMustBePublicHttpsOutsideDev() {
        assertThat(RecipientRequest.validWebhookUrl("https://platform.example.com/hooks", OutboundUrlPolicy.publicOnly()))
                .isEqualTo("https://platform.example.com/hooks");
        assertThatThrownBy(() -> RecipientRequest.validWebhookUrl("https://127.0.0.1:9000/hooks", OutboundUrlPolicy.publicOnly()))
                .isInstanceOf(ApiError.class).extracting(e -> ((ApiError) e).code()).isEqualTo("invalid_webhook_url");
        assertThat(RecipientRequest.validWebhookUrl("http://127.0.0.1:9000/hooks", OutboundUrlPolicy.allowingPrivateNetworks()))
                .isEqualTo("http://127.0.0.1:9000/hooks");
    }
}
