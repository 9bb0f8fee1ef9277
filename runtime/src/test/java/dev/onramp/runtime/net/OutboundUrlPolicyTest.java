package dev.onramp.runtime.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundUrlPolicyTest {
    private final OutboundUrlPolicy production = OutboundUrlPolicy.publicOnly();
    private final OutboundUrlPolicy dev = OutboundUrlPolicy.allowingPrivateNetworks();

    @ParameterizedTest
    @ValueSource(strings = {"https://fcm.googleapis.com/fcm/send/abc", "https://hooks.example.com/onramp",
        "https://93.184.216.34/x", "https://[2606:2800:220:1:248:1893:25c8:1946]/x"})
    void publicHttpsUrlsAreAllowed(String url) {
        assertThat(production.refusal(url)).isEmpty();
        assertThat(dev.refusal(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://hooks.example.com/x", "https://localhost/x", "https://127.0.0.1/x", "https://10.0.0.8/x",
        "https://172.16.3.4/x", "https://192.168.1.1/x", "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/x",
        "https://0.0.0.0/x", "https://[::1]/x", "https://[fd00::1]/x", "https://[fe80::1]/x", "https://[::ffff:10.0.0.1]/x",
        "https://user:pw@hooks.example.com/x", "ftp://hooks.example.com/x", "/relative", "https://hooks.example.com/#frag", ""})
    void privateAddressesWrongSchemesAndOddShapesAreRefusedOutsideDev(String url) {
        assertThat(production.refusal(url)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8080/hook", "http://127.0.0.1:9/push", "https://10.0.0.8/x"})
    void devAllowsLoopbackHttpAndPrivateNetworks(String url) {
        assertThat(dev.refusal(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.8/x", "http://hooks.example.com/x"})
    void devStillWantsHttpsBeyondLoopback(String url) {
        assertThat(dev.refusal(url)).isPresent();
    }

    @Test
    void aNameIsCheckedByWhatItResolvesTo() throws Exception {
        InetAddress inside = InetAddress.getByName("10.1.2.3");
        InetAddress outside = InetAddress.getByName("93.184.216.34");
        OutboundUrlPolicy rebinding = new OutboundUrlPolicy(false, host -> host.equals("rebound.example.com")
                ? new InetAddress[] {outside, inside} : new InetAddress[] {outside});
        assertThat(rebinding.refusal("https://rebound.example.com/x")).isEmpty();
        assertThat(rebinding.refusalOnResolve(URI.create("https://rebound.example.com/x"))).isPresent();
        assertThat(rebinding.refusalOnResolve(URI.create("https://hooks.example.com/x"))).isEmpty();
        assertThat(new OutboundUrlPolicy(true, host -> new InetAddress[] {inside})
                .refusalOnResolve(URI.create("https://rebound.example.com/x"))).isEmpty();
    }
}
