package dev.onramp.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.onramp.devstack.FreePorts;
import dev.onramp.schemas.ContractSamples;
import dev.onramp.schemas.OnrampSessionEvent;
import dev.onramp.schemas.SessionStatus;
import org.junit.jupiter.api.Test;

/** A registry that is down, or that accepts connections and never answers, gives a clear error, not a hang. */
class RegistryUnavailableTest {
    private final OnrampSessionEvent event = ContractSamples.sessionEvent("cos_1", SessionStatus.INITIALIZED);

    @Test
    void nothingListeningIsAClearErrorNamingTheRegistry() {
        String url = "http://127.0.0.1:" + FreePorts.pick() + "/apis/ccompat/v7";
        RegistryAvroSerializer<OnrampSessionEvent> serializer = new RegistryAvroSerializer<>();
        serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url), false);

        long began = System.nanoTime();
        assertThatThrownBy(() -> serializer.serialize("onramp.session-events.v1", event))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("cannot write dev.onramp.schemas.OnrampSessionEvent")
                .hasMessageContaining(url)
                .hasMessageContaining("unreachable");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aRegistryThatNeverAnswersTimesOutWithinTheConfiguredTime() throws IOException {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/apis/ccompat/v7";
            RegistryAvroSerializer<OnrampSessionEvent> serializer = new RegistryAvroSerializer<>();
            serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url, SerdeConfig.REGISTRY_TIMEOUT_MS, "500"), false);

            assertThatThrownBy(() -> serializer.serialize("onramp.session-events.v1", event))
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("did not answer within 500 ms");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
