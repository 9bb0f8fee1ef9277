package dev.onramp.bench;

import java.util.List;
import java.util.Map;

import dev.onramp.runtime.BoundedBody;
import dev.onramp.runtime.ServiceHttp;

/**
 * ingest's HTTP server as {@link ServiceHttp} sets it up (Jetty and Javalin, the same limits and handlers), with a
 * webhook route that reads the body as ingest does and answers as ingest does, and does nothing else: no signature,
 * no parse, no Kafka. What a request costs before any of ingest's own work.
 */
final class HttpFloor implements AutoCloseable {
    /** ingest's default {@code INGEST_MAX_BODY_BYTES}. */
    private static final int MAX_BODY_BYTES = 256 * 1024;

    private final ServiceHttp http;

    private HttpFloor(ServiceHttp http) {
        this.http = http;
    }

    static HttpFloor start() {
        ServiceHttp http = new ServiceHttp("http-floor", ServiceHttp.newMetrics(), List.of(), List.of(), true);
        http.app().post("/webhooks/stripe", ctx -> {
            BoundedBody.read(ctx, MAX_BODY_BYTES);
            ctx.json(Map.of("received", true, "event_id", "evt_floor"));
        });
        return new HttpFloor(http.start("127.0.0.1", 0, 0));
    }

    int port() {
        return http.port();
    }

    @Override
    public void close() {
        http.close();
    }
}
