package dev.onramp.ingest.mint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

/** Every creation rule of the reference, one case each, with the exact parameter and message of its 400. */
class MintParametersTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    @ParameterizedTest(name = "{0}")
    @CsvFileSource(resources = "mint-rules.csv", delimiter = ';')
    void aBrokenRuleIsRefusedNamingItsParameter(String rule, String body, String param, String message) throws Exception {
        assertThatThrownBy(() -> MintParameters.validate(JSON.readTree(body)))
                .isInstanceOf(MintRefused.class)
                .satisfies(e -> {
                    MintRefused refused = (MintRefused) e;
                    assertThat(refused.status()).isEqualTo(400);
                    assertThat(refused.code()).isEqualTo("parameter_invalid");
                    assertThat(refused.param()).isEqualTo(param);
                    assertThat(refused.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void aValidMintBecomesStripesFormParameters() throws Exception {
        JsonNode body = JSON.readTree("""
            {"wallet_addresses": {"ethereum": "0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2", "destination_tags": {"xlm": "123"}},
             "lock_wallet_address": true, "source_currency": "usd",
             "destination_networks": ["ethereum", "polygon"], "destination_network": "ethereum",
             "destination_currencies": ["eth", "usdc"], "destination_currency": "eth",
             "destination_amount": 0.031415926535897932, "customer_ip_address": "8.8.8.8", "appearance": {"theme": "dark"},
             "customer_information": {"email": "buyer@example.com", "first_name": "Ada", "dob": {"year": 1990, "month": 4, "day": 1},
                                      "address": {"country": "US", "state": "CA"}}}
            """);
        Map<String, Object> form = MintParameters.validate(body);
        assertThat(form).containsEntry("destination_amount", "0.031415926535897932")
                .containsEntry("destination_networks", List.of("ethereum", "polygon"))
                .containsEntry("lock_wallet_address", true)
                .containsEntry("customer_ip_address", "8.8.8.8")
                .containsEntry("appearance", Map.of("theme", "dark"));
        assertThat(MintParameters.validate(JSON.readTree("{\"customer_ip_address\": \"2001:db8::8a2e:370:7334\"}")))
                .containsEntry("customer_ip_address", "2001:db8::8a2e:370:7334");
        assertThat(form.get("wallet_addresses")).isEqualTo(Map.of("ethereum", "0xB00F0759DbeeF5E543Cc3E3B07A6442F5f3928a2",
                "destination_tags", Map.of("xlm", "123")));
        assertThat(form.get("customer_information")).asString().contains("dob").contains("Ada");
    }
}
