package dev.onramp.testkit.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A reverse proxy as a TLS terminator or load balancer is one: every request is sent on to the service from this
 * proxy's own address (127.0.0.1), with the address that connected to the proxy appended to
 * {@code X-Forwarded-For}. The request's method, path, body and {@code Authorization}, {@code Content-Type},
 * {@code Cookie} and {@code Origin} headers go through; the answer's status, body and its {@code Retry-After},
 * {@code Location} and {@code Set-Cookie} come back.
 */
public final class ForwardingProxy implements AutoCloseable {
    private static final List<String> REQUEST_HEADERS = List.of("Authorization", "Content-Type", "Cookie", "Origin");
    private static final List<String> ANSWER_HEADERS = List.of("Retry-After", "Location", "Set-Cookie", "WWW-Authenticate");

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;

    /** A proxy on a free loopback port in front of {@code target} ({@code http://127.0.0.1:8080}). */
    public ForwardingProxy(URI target) {
        this.target = target;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::forward);
        server.start();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String peer = exchange.getRemoteAddress().getAddress().getHostAddress();
            String forwardedFor = exchange.getRequestHeaders().getFirst("X-Forwarded-For");
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .timeout(Duration.ofSeconds(30))
                    .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("X-Forwarded-For", forwardedFor == null ? peer : forwardedFor + ", " + peer);
            for (String name : REQUEST_HEADERS) {
                for (String value : exchange.getRequestHeaders().getOrDefault(name, List.of())) {
                    request.header(name, value);
                }
            }
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            for (String name : ANSWER_HEADERS) {
                answer.headers().allValues(name).forEach(value -> exchange.getResponseHeaders().add(name, value));
            }
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
