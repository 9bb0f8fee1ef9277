package dev.onramp.console.ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.onramp.runtime.ApiError;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * The ops API, under {@code /v1} on the console's port (never on ingest's public port), every route behind an admin
 * key ({@link AdminAuth}). JSON in and out; the pages call the same classes.
 */
public final class OpsApi {
    static final int MAX_BATCH = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Operations ops;


    public OpsApi(Operations ops) {
        this.ops = ops;
    }

    public void routes(Javalin app, AdminAuth auth) {
        app.before("/v1/*", auth);
        app.get("/v1/sessions/{session_id}/timeline", ctx -> ctx.json(Map.of("session_id", ctx.pathParam("session_id"),
                "timeline", ops.sessions().timeline(ctx.pathParam("session_id")))));
        app.get("/v1/sessions/{session_id}/notifications", ctx -> ctx.json(Map.of("session_id", ctx.pathParam("session_id"),
                "channels", ops.sessions().notifications(ctx.pathParam("session_id")))));
        app.post("/v1/sessions/{session_id}/erasure-requests", ctx -> {
            Eraser.Receipt receipt = ops.eraser().request(ctx.pathParam("session_id"), AdminAuth.keyId(ctx));
            ctx.status(receipt.carriedOut() ? HttpStatus.OK : HttpStatus.ACCEPTED).json(receipt.toJson());
        });
        app.get("/v1/dead-letters/{kind}", this::list);
        app.get("/v1/dead-letters/{kind}/{partition}/{offset}", ctx -> ctx.json(ops.deadLetters().entry(kind(ctx),
                        intParam(ctx, "partition"), longParam(ctx, "offset"))
                .orElseThrow(() -> new ApiError(HttpStatus.NOT_FOUND, "dead_letter_not_found", "no such entry")).toJson()));
        app.post("/v1/dead-letters/{kind}/{partition}/{offset}/redrive", this::redriveOne);
        app.post("/v1/dead-letters/{kind}/redrive", this::redriveBatch);
        app.get("/v1/pipeline", ctx -> ctx.json(ops.watch().latest().toJson()));
        app.get("/v1/stalled-sessions", ctx -> ctx.json(Map.of("sessions",
                ops.stalled().now().stream().map(StalledSessions.Stalled::toJson).toList())));
    }

    private void list(Context ctx) {
        DeadLetterKind kind = kind(ctx);
        String session = ctx.queryParam("session_id");
        DeadLetters.Page page = ops.deadLetters().page(kind, PageCursor.parse(ctx.queryParam("cursor"), ops.deadLetters().partitions(kind)),
                ctx.queryParamAsClass("limit", Integer.class).getOrDefault(50), filter(session, null));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", kind.path());
        body.put("redrivable", kind.redrivable());
        body.put("entries", page.entries().stream().map(DeadLetterEntry::toJson).toList());
        body.put("next_cursor", page.next().map(PageCursor::toString).orElse(null));
        ctx.json(body);
    }

    private void redriveOne(Context ctx) {
        RedriveOutcome outcome = ops.redriver().redrive(kind(ctx), intParam(ctx, "partition"), longParam(ctx, "offset"), AdminAuth.keyId(ctx));
        ctx.status(outcome instanceof RedriveOutcome.Refused ? HttpStatus.CONFLICT : HttpStatus.OK).json(outcome.toJson());
    }

    /** A filtered batch: {@code {"session_id": …, "reason_contains": …, "limit": ≤ 100}}, at least one filter. */
    private void redriveBatch(Context ctx) {
        JsonNode body;
        try {
            body = JSON.readTree(ctx.body());
        } catch (Exception e) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_json", "the body must be a JSON object");
        }
        String session = text(body, "session_id");
        String reason = text(body, "reason_contains");
        if (session == null && reason == null) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "filter_required",
                    "name session_id or reason_contains: a batch redrive of everything is not offered");
        }
        int limit = Math.min(MAX_BATCH, Math.max(1, body.path("limit").asInt(MAX_BATCH)));
        List<RedriveOutcome> outcomes = ops.redriver().redriveAll(kind(ctx), filter(session, reason), limit, AdminAuth.keyId(ctx));
        ctx.json(Map.of("results", outcomes.stream().map(RedriveOutcome::toJson).toList()));
    }

    public static Predicate<DeadLetterEntry> filter(String session, String reasonContains) {
        Predicate<DeadLetterEntry> all = entry -> true;
        if (session != null && !session.isBlank()) {
            all = all.and(entry -> entry.sessionId().filter(session.trim()::equals).isPresent());
        }
        if (reasonContains != null && !reasonContains.isBlank()) {
            String needle = reasonContains.toLowerCase(Locale.ROOT);
            all = all.and(entry -> entry.reason() != null && entry.reason().toLowerCase(Locale.ROOT).contains(needle));
        }
        return all;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    public static DeadLetterKind kind(Context ctx) {
        return DeadLetterKind.ofPath(ctx.pathParam("kind")).orElseThrow(() -> new ApiError(HttpStatus.NOT_FOUND,
                "unknown_dead_letter_kind", "dead letters are webhooks, notifications or poison-records"));
    }

    public static int intParam(Context ctx, String name) {
        try {
            return Integer.parseInt(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_" + name, name + " must be a whole number");
        }
    }

    public static long longParam(Context ctx, String name) {
        try {
            return Long.parseLong(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_" + name, name + " must be a whole number");
        }
    }
}
