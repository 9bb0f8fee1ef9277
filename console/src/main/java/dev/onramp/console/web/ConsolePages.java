package dev.onramp.console.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.onramp.console.ops.AdminAuth;
import dev.onramp.console.ops.DeadLetterEntry;
import dev.onramp.console.ops.DeadLetterKind;
import dev.onramp.console.ops.DeadLetters;
import dev.onramp.console.ops.Eraser;
import dev.onramp.console.ops.OpsApi;
import dev.onramp.console.ops.Operations;
import dev.onramp.console.ops.PageCursor;
import dev.onramp.console.ops.PipelineSnapshot;
import dev.onramp.console.ops.ProcessorClient;
import dev.onramp.console.ops.RedriveOutcome;
import dev.onramp.runtime.ApiError;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;

/**
 * The console's pages under {@code /console}: rendered on the server from the same classes as the ops API, with no
 * script at all, so the Content-Security-Policy forbids every script. Sign-in with an admin key starts a cookie
 * session; every form that changes something carries its CSRF token, and the cookie is SameSite=Strict besides.
 * Every string that came from a webhook, a topic or a user is escaped by jte for where it lands.
 */
public final class ConsolePages {
    static final String COOKIE = "onramp_console";
    static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none';"
            + " base-uri 'none'";
    private static final int OVERVIEW_REFRESH_SECONDS = 10;

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(null, ContentType.Html,
            ConsolePages.class.getClassLoader(), "dev.onramp.console.pages");
    private final byte[] css = resource("static/console.css");
    private final byte[] favicon = resource("static/favicon.svg");
    private final SignIns signIns;
    private final boolean secureCookie;
    private final AdminAuth auth;
    private final Operations ops;
    private final Duration watchInterval;

    public ConsolePages(AdminAuth auth, Duration signInTtl, boolean secureCookie, Operations ops, Duration watchInterval, Clock clock) {
        this.ops = ops;
        this.auth = auth;
        this.signIns = new SignIns(signInTtl, clock);
        this.secureCookie = secureCookie;
        this.watchInterval = watchInterval;
    }

    public void routes(Javalin app) {
        app.before("/console*", this::securityHeaders);
        app.get("/console/static/console.css", ctx -> ctx.contentType("text/css; charset=utf-8").result(css));
        app.get("/console/static/favicon.svg", ctx -> ctx.contentType("image/svg+xml").result(favicon));
        app.get("/console/sign-in", ctx -> signInPage(ctx, null));
        app.post("/console/sign-in", this::signIn);
        app.post("/console/sign-out", signedIn(true, (ctx, who) -> {
            signIns.end(who.id());
            ctx.header("Set-Cookie", cookie("", Duration.ZERO));
            ctx.redirect("/console/sign-in", HttpStatus.SEE_OTHER);
        }));
        app.get("/console", signedIn(false, this::overview));
        app.get("/console/sessions", signedIn(false, (ctx, who) -> session(ctx, who, ctx.queryParam("id"), null)));
        app.post("/console/sessions/erase", signedIn(true, this::erase));
        app.get("/console/stalled", signedIn(false, (ctx, who) -> render(ctx, "ops.stalled().jte",
                frame("Stalled sessions", "stalled", who, 0), Map.of("sessions", ops.stalled().now()))));
        app.get("/console/dead-letters/{kind}", signedIn(false, this::deadLetters));
        app.get("/console/dead-letters/{kind}/{partition}/{offset}", signedIn(false, (ctx, who) -> deadLetter(ctx, who, null)));
        app.post("/console/dead-letters/{kind}/{partition}/{offset}/redrive", signedIn(true, (ctx, who) -> deadLetter(ctx, who,
                ops.redriver().redrive(OpsApi.kind(ctx), OpsApi.intParam(ctx, "partition"), OpsApi.longParam(ctx, "offset"), who.keyId()))));
    }

    /** A page handler that knows who is signed in. */
    private interface SignedInPage {
        void handle(Context ctx, SignIns.SignIn who) throws Exception;
    }

    /** Signed in, or sent to sign in; for a form ({@code changes}), the CSRF token and the origin must match too. */
    private Handler signedIn(boolean changes, SignedInPage page) {
        return ctx -> {
            Optional<SignIns.SignIn> who = signIns.find(ctx.cookie(COOKIE));
            if (who.isEmpty()) {
                ctx.redirect("/console/sign-in", HttpStatus.SEE_OTHER);
                return;
            }
            if (changes && (!who.get().csrfMatches(ctx.formParam("csrf")) || !sameOrigin(ctx))) {
                renderError(ctx, who.get(), HttpStatus.FORBIDDEN, "This form is stale or came from another site; reload the page and try again.");
                return;
            }
            try {
                page.handle(ctx, who.get());
            } catch (ApiError e) {
                renderError(ctx, who.get(), e.status(), e.getMessage());
            }
        };
    }

    private void signIn(Context ctx) {
        Optional<String> keyId;
        try {
            keyId = auth.check(ctx, ctx.formParam("key"));
        } catch (ApiError e) {
            ctx.status(e.status());
            signInPage(ctx, e.getMessage());
            return;
        }
        if (keyId.isEmpty()) {
            // The form again with the reason, as a page (200): the API answers 401, a person reads the message.
            signInPage(ctx, "That is not an admin key.");
            return;
        }
        SignIns.SignIn signIn = signIns.start(keyId.get());
        ctx.header("Set-Cookie", cookie(signIn.id(), signIns.ttl()));
        ctx.redirect("/console", HttpStatus.SEE_OTHER);
    }

    private void signInPage(Context ctx, String error) {
        Map<String, Object> params = new HashMap<>();
        params.put("error", error);
        render(ctx, "signin.jte", PageFrame.signedOut("Sign in"), params);
    }

    private void overview(Context ctx, SignIns.SignIn who) {
        PipelineSnapshot snapshot = ops.watch().latest();
        List<ChartView> charts = snapshot.charts().stream().map(c -> ChartView.of(c, watchInterval)).toList();
        render(ctx, "overview.jte", frame("Overview", "overview", who, OVERVIEW_REFRESH_SECONDS),
                Map.of("snapshot", snapshot, "charts", charts, "stalled", ops.stalled().now().size()));
    }

    private void erase(Context ctx, SignIns.SignIn who) {
        String sessionId = Optional.ofNullable(ctx.formParam("id")).map(String::trim).orElse("");
        if (!"yes".equals(ctx.formParam("confirm"))) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "not_confirmed", "Tick the confirmation to erase a person's data.");
        }
        session(ctx, who, sessionId, ops.eraser().request(sessionId, who.keyId()));
    }

    private void session(Context ctx, SignIns.SignIn who, String id, Eraser.Receipt erasure) {
        String query = Optional.ofNullable(id).map(String::trim).orElse("");
        Map<String, Object> params = new HashMap<>();
        params.put("query", query);
        params.put("erasure", erasure);
        params.put("error", null);
        params.put("status", null);
        params.put("outcome", null);
        params.put("timeline", List.of());
        params.put("notifications", Map.of());
        if (!query.isEmpty()) {
            try {
                ProcessorClient.SessionSummary summary = ops.sessions().summary(query);
                params.put("status", summary.status());
                params.put("outcome", summary.outcome().orElse(null));
                params.put("timeline", ops.sessions().timeline(query, summary));
                params.put("notifications", ops.sessions().notifications(query, summary));
            } catch (ApiError e) {
                params.put("error", e.getMessage());
            }
        }
        render(ctx, "session.jte", frame(query.isEmpty() ? "Find a session" : "Session " + query, "sessions", who, 0), params);
    }

    private void deadLetters(Context ctx, SignIns.SignIn who) {
        DeadLetterKind kind = OpsApi.kind(ctx);
        String session = Optional.ofNullable(ctx.queryParam("session_id")).map(String::trim).orElse("");
        DeadLetters.Page page = ops.deadLetters().page(kind, PageCursor.parse(ctx.queryParam("cursor"), ops.deadLetters().partitions(kind)), 50,
                OpsApi.filter(session, null));
        Map<String, Object> params = new HashMap<>();
        params.put("kind", kind);
        params.put("entries", page.entries());
        params.put("sessionFilter", session);
        params.put("nextCursor", page.next().map(PageCursor::toString).orElse(null));
        render(ctx, "deadletters.jte", frame(title(kind), kind.path(), who, 0), params);
    }

    private void deadLetter(Context ctx, SignIns.SignIn who, RedriveOutcome result) {
        DeadLetterKind kind = OpsApi.kind(ctx);
        DeadLetterEntry entry = ops.deadLetters().entry(kind, OpsApi.intParam(ctx, "partition"), OpsApi.longParam(ctx, "offset"))
                .orElseThrow(() -> new ApiError(HttpStatus.NOT_FOUND, "dead_letter_not_found", "There is no such entry (any more)."));
        Map<String, Object> params = new HashMap<>();
        params.put("entry", entry);
        params.put("result", result);
        render(ctx, "deadletter.jte", frame(title(kind) + ": " + entry.partition() + "/" + entry.offset(), kind.path(), who, 0), params);
    }

    private static String title(DeadLetterKind kind) {
        return switch (kind) {
            case WEBHOOKS -> "Webhook dead letters";
            case NOTIFICATIONS -> "Notification dead letters";
            case POISON -> "Poison records";
        };
    }

    private PageFrame frame(String title, String section, SignIns.SignIn who, int refreshSeconds) {
        return new PageFrame(title, section, who.keyId(), who.csrf(), refreshSeconds);
    }

    private void renderError(Context ctx, SignIns.SignIn who, HttpStatus status, String message) {
        ctx.status(status);
        render(ctx, "error.jte", frame("Something went wrong", "", who, 0), Map.of("message", message));
    }

    private void render(Context ctx, String template, PageFrame frame, Map<String, Object> params) {
        Map<String, Object> all = new HashMap<>(params);
        all.put("frame", frame);
        StringOutput out = new StringOutput();
        templates.render(template, all, out);
        ctx.contentType("text/html; charset=utf-8").result(out.toString());
    }

    private void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on a form POST, and the origin check needs it.
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cache-Control", "no-store");
    }

    /** A form's Origin (sent by every current browser on a POST), when present, must be this site. */
    private static boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return true;
        }
        String host = ctx.header("Host");
        return host != null && (("http://" + host).equals(origin) || ("https://" + host).equals(origin));
    }

    private String cookie(String value, Duration maxAge) {
        return COOKIE + "=" + value + "; Path=/console; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (secureCookie ? "; Secure" : "");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ConsolePages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
