package dev.onramp.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {
    private final TrustedProxies proxies = TrustedProxies.of(List.of("10.0.0.0/8", " 192.0.2.10", "fd00::/8"));

    @Test
    void aPeerThatIsNotATrustedProxyIsTheClientWhateverItsHeaderSays() {
        assertThat(proxies.clientOf("203.0.113.7", List.of("198.51.100.1"))).isEqualTo("203.0.113.7");
        assertThat(TrustedProxies.none().clientOf("10.1.2.3", List.of("198.51.100.1"))).isEqualTo("10.1.2.3");
    }

    @Test
    void behindATrustedProxyTheClientIsTheRightmostUntrustedEntry() {
        assertThat(proxies.clientOf("10.1.2.3", List.of("198.51.100.1"))).isEqualTo("198.51.100.1");
        // The client wrote the first two entries itself; the proxy appended the address that connected to it.
        assertThat(proxies.clientOf("10.1.2.3", List.of("1.1.1.1, 2.2.2.2", "198.51.100.1"))).isEqualTo("198.51.100.1");
        // Two proxies of ours in a row.
        assertThat(proxies.clientOf("10.1.2.3", List.of("198.51.100.1, 192.0.2.10"))).isEqualTo("198.51.100.1");
        assertThat(proxies.clientOf("fd00::5", List.of("2001:db8::7"))).isEqualTo("2001:db8:0:0:0:0:0:7");
    }

    @Test
    void withoutAUsableHeaderTheLastHopVouchedForIsTheClient() {
        assertThat(proxies.clientOf("10.1.2.3", List.of())).isEqualTo("10.1.2.3");
        assertThat(proxies.clientOf("10.1.2.3", List.of("unknown"))).isEqualTo("10.1.2.3");
        assertThat(proxies.clientOf("10.1.2.3", List.of("example.com, 192.0.2.10"))).isEqualTo("192.0.2.10");
        assertThat(proxies.clientOf("10.1.2.3", List.of("10.9.9.9"))).as("every hop a proxy of ours").isEqualTo("10.9.9.9");
    }

    @Test
    void refusesRangesThatAreNotAddresses() {
        assertThatThrownBy(() -> TrustedProxies.of(List.of("proxy.internal"))).hasMessageContaining("TRUSTED_PROXIES");
        assertThatThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/x"))).hasMessageContaining("10.0.0.0/x");
        assertThat(TrustedProxies.of(List.of("", " ")).toString()).isEqualTo("none");
    }
}
