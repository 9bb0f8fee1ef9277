package dev.onramp.runtime;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side every service shares: JSON errors, {@code /health/live}, {@code /health/ready} (ready only when
 * every {@link HealthCheck} answers), {@code /metrics} in Prometheus format, and a graceful stop that lets
 * in-flight requests finish.
 */
public final class ServiceHttp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceHttp.class);
    static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(2);
    static final Duration HEALTH_TTL = Duration.ofSeconds(1);
    static final int MAX_CONNECTIONS = 2_000;
    /** A connection with no bytes for this long is closed: a client trickling its headers cannot hold one for ever. */
    static final Duration CONNECTION_IDLE_TIMEOUT = Duration.ofSeconds(10);

    private final Javalin app;
    private final Javalin admin;
    private final PrometheusMeterRegistry metrics;
    private final String name;

    /**
     * {@code separateAdmin}: health and metrics on an admin app of their own (started on its own port), so that the
     * public port serves only the service's API; otherwise on the one app.
     */
    public ServiceHttp(String name, PrometheusMeterRegistry metrics, List<HealthCheck> liveness,
                       List<HealthCheck> readiness, boolean separateAdmin) {
        this.name = name;
        this.metrics = metrics;
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jetty.modifyServer(server -> {
                // Graceful stop: stop accepting, wait up to 20 s for in-flight requests.
                server.setStopTimeout(20_000);
                server.setStopAtShutdown(false);
            });
            config.jetty.modifyServer(server -> server.insertHandler(new StatisticsHandler()));
            // Connections are bounded (past the limit Jetty stops accepting until some close, and idles out the
            // rest sooner); threads are bounded by Javalin's pool.
            config.jetty.modifyServer(server -> server.addBean(new ConnectionLimit(MAX_CONNECTIONS, server)));
            // A body that trickles in holds a request thread: a blocked read gives up after BODY_READ_TIMEOUT, a
            // request is dispatched to a thread only once some of its body has arrived, and BoundedBody refuses a
            // steady trickle (a minimum rate after a grace period), so that a few hundred slow clients cannot take
            // every thread from real requests.
            config.jetty.modifyHttpConfiguration(http -> {
                http.setIdleTimeout(BODY_READ_TIMEOUT.toMillis());
                http.setDelayDispatchUntilContent(true);
            });
        });
        this.admin = separateAdmin ? Javalin.create(config -> config.showJavalinBanner = false) : null;
        app.exception(ApiError.class, (e, ctx) -> {
            if (e.closesConnection()) {
                // Jetty would otherwise read (and discard) the rest of the body to keep the connection open.
                ctx.header("Connection", "close");
            }
            ctx.status(e.status()).json(Map.of("error", e.code(), "message", e.getMessage()));
        });
        app.exception(Exception.class, (e, ctx) -> {
            log.error("{}: unhandled error on {} {}", name, ctx.method(), ctx.path(), e);
            ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(Map.of("error", "internal_error", "message", "internal error"));
        });
        List<HealthCheck> cachedLiveness = liveness.stream().map(c -> c.cached(HEALTH_TTL)).toList();
        List<HealthCheck> cachedReadiness = readiness.stream().map(c -> c.cached(HEALTH_TTL)).toList();
        Javalin adminRoutes = admin != null ? admin : app;
        adminRoutes.get("/health/live", ctx -> answer(ctx, cachedLiveness));
        adminRoutes.get("/health/ready", ctx -> answer(ctx, cachedReadiness));
        adminRoutes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
    }

    /**
     * 200 when every check passes or is only degraded, 503 otherwise; each check's state (and the reason it is down
     * or degraded) in the body, and the worst of them as the status.
     */
    private static void answer(Context ctx, List<HealthCheck> checks) {
        Map<String, String> states = new LinkedHashMap<>();
        boolean up = true;
        boolean degraded = false;
        for (HealthCheck check : checks) {
            try {
                check.check();
                states.put(check.name(), "UP");
            } catch (HealthCheck.Degraded e) {
                degraded = true;
                states.put(check.name(), "DEGRADED: " + e.getMessage());
            } catch (Exception e) {
                up = false;
                // Our own checks say why (a Streams state); a dependency's exception says only its kind.
                states.put(check.name(), "DOWN: " + (e instanceof IllegalStateException && e.getMessage() != null
                        ? e.getMessage() : e.getClass().getSimpleName()));
            }
        }
        String status = !up ? "DOWN" : degraded ? "DEGRADED" : "UP";
        ctx.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("status", status, "checks", states));
    }

    public static PrometheusMeterRegistry newMetrics() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    public Javalin app() {
        return app;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** Starts the app on {@code port}, and the admin app (if separate) on {@code adminPort} of the same host. */
    public ServiceHttp start(String host, int port, int adminPort) {
        app.start(host, port);
        for (Connector connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof AbstractConnector c) {
                c.setIdleTimeout(CONNECTION_IDLE_TIMEOUT.toMillis());
            }
        }
        if (admin != null) {
            admin.start(host, adminPort);
            log.info("{} listening on http://{}:{} (health and metrics on http://{}:{})", name, host, app.port(), host, admin.port());
        } else {
            log.info("{} listening on http://{}:{}", name, host, app.port());
        }
        return this;
    }

    public int port() {
        return app.port();
    }

    /** Where health and metrics are: the admin app's port, or the app's own. */
    public int adminPort() {
        return admin != null ? admin.port() : app.port();
    }

    @Override
    public void close() {
        app.stop();
        if (admin != null) {
            admin.stop();
        }
    }
}
