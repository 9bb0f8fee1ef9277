package dev.onramp.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.HttpStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionIdParamTest {

    @ParameterizedTest
    @ValueSource(strings = {"cos_12345678", "cos_1Mei3cKtfmbYgIJX", "cos_0MYfrA2eZvKYlo2CMoXbgkWb"})
    void aSessionIdIsReturnedAsItIs(String id) {
        assertThat(SessionIdParam.checked(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "cos_", "cos_short", "cs_1Mei3cKtfmbYgIJX", "evt_1Mei3cKtfmbYgIJX", "cos_../../etc", "cos_12345678\n"})
    void anythingElseIsA400ThatSaysWhatAnIdLooksLike(String id) {
        assertThatThrownBy(() -> SessionIdParam.checked(id))
                .isInstanceOfSatisfying(ApiError.class, error -> {
                    assertThat(error.status()).isEqualTo(HttpStatus.BAD_REQUEST);
                    assertThat(error.code()).isEqualTo("invalid_session_id");
                    assertThat(error.getMessage()).contains("cos_");
                });
    }
}
