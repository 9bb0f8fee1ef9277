package dev.onramp.ingest.recipient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onramp.runtime.ApiError;
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
    @ValueSource(strings = {"cos_1Mei3cKtfmbYgIJX", "cos_0MYfrA2eZvKYlo2CMoXbgkWb"})
    void acceptsSessionIds(String id) {
        assertThat(RecipientRequest.validSessionId(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cs_1Mei3cKtfmbYgIJX", "cos_", "cos_short", "cos_../../etc", "evt_1Mei3cKtfmbYgIJX"})
    void refusesOtherIds(String id) {
        assertThatThrownBy(() -> RecipientRequest.validSessionId(id)).isInstanceOf(ApiError.class);
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
}
