package dev.onramp.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {
    @ParameterizedTest
    @CsvSource({
        "8.8.8.8, 8.8.8.8",
        "' 203.0.113.7 ', 203.0.113.7",
        "2001:db8::1, 2001:db8:0:0:0:0:0:1",
        "[2001:db8::1], 2001:db8:0:0:0:0:0:1",
        "::1, 0:0:0:0:0:0:0:1",
        "::ffff:192.0.2.1, 192.0.2.1",
    })
    void readsAddressLiterals(String text, String address) {
        assertThat(IpLiteral.parse(text)).map(InetAddress::getHostAddress).contains(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {":::::", "1::2::3", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1234", "abc", "example.com",
        "localhost", "deadbeef", ".:", "1.2.3.4:80", "fe80::1%eth0", "", " ", "[]", "::g"})
    void refusesWhatIsNotAnAddressWithoutLookingItUp(String text) {
        assertThat(IpLiteral.parse(text)).isEmpty();
    }
}
