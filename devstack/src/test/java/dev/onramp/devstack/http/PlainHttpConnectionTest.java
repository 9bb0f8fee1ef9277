package dev.onramp.devstack.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against the JDK's own HTTP server: keep-alive, both kinds of body, a server that closes, one that is gone. */
class PlainHttpConnectionTest {
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Object> connectionsSeen = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        address = new InetSocketAddress("127.0.0.1", server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("X-Test")
                + " " + body);
        connectionsSeen.add(exchange.getRemoteAddress().getPort());
        byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        switch (exchange.getRequestURI().getPath()) {
            case "/chunked" -> {
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
            case "/close" -> {
                exchange.getResponseHeaders().add("Connection", "close");
                exchange.sendResponseHeaders(400, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            }
            default -> {
                if (exchange.getRequestMethod().equals("PUT")) {
                    exchange.sendResponseHeaders(204, -1);
                } else {
                    exchange.sendResponseHeaders(200, answer.length);
                    exchange.getResponseBody().write(answer);
                }
                exchange.close();
            }
        }
    }

    private byte[] request(String method, String path, String body) {
        return PlainHttpConnection.request(method, address, path, Map.of("X-Test", "yes"), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void requestsShareOneConnectionWhateverTheKindOfBody() throws IOException {
        try (PlainHttpConnection connection = new PlainHttpConnection(address, Duration.ofSeconds(5))) {
            assertThat(connection.exchange(request("POST", "/webhooks/stripe", "{\"id\":\"evt_1\"}"))).isEqualTo(200);
            assertThat(connection.exchange(request("POST", "/chunked", "é"))).isEqualTo(200);
            assertThat(connection.exchange(request("PUT", "/v1/sessions/cos_1/recipient", "{}"))).isEqualTo(204);
            assertThat(connection.exchange(request("POST", "/webhooks/stripe", ""))).isEqualTo(200);
        }
        assertThat(received).containsExactly("POST /webhooks/stripe yes {\"id\":\"evt_1\"}", "POST /chunked yes é",
                "PUT /v1/sessions/cos_1/recipient yes {}", "POST /webhooks/stripe yes ");
        assertThat(connectionsSeen).hasSize(4).containsOnly(connectionsSeen.get(0));
    }

    @Test
    void aServerThatClosesGetsANewConnectionNextTime() throws IOException {
        try (PlainHttpConnection connection = new PlainHttpConnection(address, Duration.ofSeconds(5))) {
            assertThat(connection.exchange(request("POST", "/close", "x"))).isEqualTo(400);
            assertThat(connection.exchange(request("POST", "/webhooks/stripe", "y"))).isEqualTo(200);
        }
        assertThat(received).hasSize(2);
        assertThat(connectionsSeen.get(1)).isNotEqualTo(connectionsSeen.get(0));
    }

    @Test
    void anUnreachableServerIsAnIoExceptionEveryTime() {
        server.stop(0);
        PlainHttpConnection connection = new PlainHttpConnection(address, Duration.ofSeconds(1));
        assertThatThrownBy(() -> connection.exchange(request("POST", "/webhooks/stripe", "z"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> connection.exchange(request("POST", "/webhooks/stripe", "z"))).isInstanceOf(IOException.class);
    }

    @Test
    void onlyPlainHttpUrlsHaveAnAddress() {
        assertThat(PlainHttpConnection.addressOf("http://127.0.0.1:8080")).contains(new InetSocketAddress("127.0.0.1", 8080));
        assertThat(PlainHttpConnection.addressOf("http://localhost")).contains(new InetSocketAddress("localhost", 80));
        assertThat(PlainHttpConnection.addressOf("https://ingest.example.com")).isEmpty();
    }
}
