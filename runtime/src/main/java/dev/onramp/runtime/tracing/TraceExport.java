package dev.onramp.runtime.tracing;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.onramp.runtime.Env;

/**
 * Where traces go: OpenTelemetry's own {@code OTEL_*} variables, as the environment has them. Tracing is on only
 * when an OTLP endpoint is set ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, or the traces-only
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}); every other {@code OTEL_*} variable (headers for a vendor's key,
 * protocol, sampler, resource attributes) is passed to the SDK's autoconfiguration as documented by OpenTelemetry.
 */
public record TraceExport(Map<String, String> otelVariables) {
    public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public static final String TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";

    public TraceExport {
        otelVariables = Map.copyOf(otelVariables);
    }

    public static TraceExport off() {
        return new TraceExport(Map.of());
    }

    public static TraceExport fromEnv(Env env) {
        Map<String, String> otel = new TreeMap<>();
        env.values().forEach((name, value) -> {
            if (name.startsWith("OTEL_") && value != null && !value.isBlank()) {
                otel.put(name, value);
            }
        });
        return new TraceExport(otel);
    }

    public Optional<String> endpoint() {
        return Optional.ofNullable(otelVariables.getOrDefault(TRACES_ENDPOINT, otelVariables.get(ENDPOINT)));
    }

    public boolean on() {
        return endpoint().isPresent();
    }

    /** The SDK's property names: {@code OTEL_EXPORTER_OTLP_HEADERS} is {@code otel.exporter.otlp.headers}. */
    Map<String, String> asProperties() {
        Map<String, String> properties = new TreeMap<>();
        otelVariables.forEach((name, value) -> properties.put(name.toLowerCase(Locale.ROOT).replace('_', '.'), value));
        return properties;
    }

    /** The endpoint only: {@code OTEL_EXPORTER_OTLP_HEADERS} often carries a vendor's API key. */
    @Override
    public String toString() {
        return endpoint().map(e -> "otlp " + e).orElse("off");
    }
}
