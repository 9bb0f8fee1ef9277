package dev.onramp.devstack.simulate;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.onramp.devstack.http.PlainHttpConnection;
import dev.onramp.devstack.stripe.OnrampEvents;
import dev.onramp.devstack.stripe.WebhookSigner;

/**
 * Plays Stripe (and the platform) against a running ingest: signed {@code crypto.onramp_session_updated} webhooks for
 * each planned session, recipient registrations, 503s retried with backoff as Stripe does, delayed redeliveries at
 * the end, and optionally forged and stale deliveries that must be refused.
 */
public final class OnrampSimulator {
    public record Target(String baseUrl, String webhookSecret, String apiKey) {
    }

    /** {@code retryFor}: how long a delivery that failed (5xx, no answer) is retried, as Stripe does for days. */
    public record Options(int concurrency, double webhooksPerSecond, int forgedAndStale, PrintStream progress, Duration retryFor) {
    }

    /**
     * What happened: counts, the event ids that got a 2xx (each must be on the topics), and for each terminal
     * session when its deciding webhook was due and when ingest answered it 2xx ({@link Deciding}).
     * {@code behindSchedule}: how far the senders fell behind that schedule at worst (past a second, the schedule
     * starts again from then, and the figures stop counting that backlog).
     */
    public record Report(long sent, long accepted, long refused, long retried, long failed, long forgedRefused, long forgedSent,
                  Set<String> acceptedEventIds, Map<String, Deciding> deciding, Duration behindSchedule) {
    }

    /**
     * A terminal session's deciding webhook: {@code due} is its slot in the fixed-rate schedule with a rate (from its
     * first attempt, so time spent waiting for ingest or retrying counts: no coordinated omission), else when it was
     * first sent; {@code answered} is when ingest's 2xx arrived, after which the rest of the pipeline has it.
     */
    public record Deciding(Instant due, Instant answered) {
    }

    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);

    private final Target target;
    private final Options options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Instant wallAtStart = Instant.now();
    private final long nanosAtStart = System.nanoTime();
    private final AtomicLong nextSlot = new AtomicLong();
    private final AtomicLong mostBehindNanos = new AtomicLong();
    private final Map<String, Deciding> deciding = new ConcurrentHashMap<>();
    private final Set<String> acceptedEventIds = ConcurrentHashMap.newKeySet();
    private ChannelStandIns standIns;
    private final Optional<InetSocketAddress> plain;
    /** The base URL's own path, if it has one: requests over {@link #plain} name their path in full. */
    private final String plainBasePath;
    private final List<PlainHttpConnection> connections = new CopyOnWriteArrayList<>();
    private final ThreadLocal<PlainHttpConnection> connection = ThreadLocal.withInitial(this::newConnection);

    /** Whether a session's recipient gets a push subscription too (with {@link #withChannels}): every second one. */
    public static boolean registersPush(String sessionId) {
        return Math.floorMod(sessionId.hashCode(), 6) % 2 == 0;
    }

    /** Whether a session's recipient names a platform webhook URL too (with {@link #withChannels}): every third one. */
    public static boolean registersWebhook(String sessionId) {
        return Math.floorMod(sessionId.hashCode(), 6) % 3 == 0;
    }

    /** Also registers a push subscription (every second session) and a webhook URL (every third) pointing at these. */
    public OnrampSimulator withChannels(ChannelStandIns standIns) {
        this.standIns = standIns;
        return this;
    }

    public OnrampSimulator(Target target, Options options) {
        this.target = target;
        this.options = options;
        this.plain = PlainHttpConnection.addressOf(target.baseUrl());
        this.plainBasePath = URI.create(target.baseUrl()).getRawPath();
    }

    private PlainHttpConnection newConnection() {
        PlainHttpConnection fresh = new PlainHttpConnection(plain.orElseThrow(), Duration.ofSeconds(30));
        connections.add(fresh);
        return fresh;
    }

    /** Deliveries answered 2xx so far, while {@link #run} goes on. */
    public long acceptedSoFar() {
        return accepted.get();
    }

    public Report run(SimulationPlan plan) throws Exception {
        // The schedule starts now, not when this was built: what a caller does in between (reading the brokers' log
        // sizes takes a second) would otherwise count as the first webhooks' wait.
        nextSlot.set(System.nanoTime());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.concurrency()));
        List<Future<List<Runnable>>> sessions = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        for (SessionScript session : plan.sessions()) {
            sessions.add(pool.submit(() -> {
                List<Runnable> late = play(session);
                done.incrementAndGet();
                return late;
            }));
        }
        List<Runnable> redeliveries = new ArrayList<>();
        long lastProgress = 0;
        for (Future<List<Runnable>> session : sessions) {
            while (!session.isDone()) {
                lastProgress = progress(done.get(), plan.sessions().size(), lastProgress);
                Thread.sleep(50);
            }
            redeliveries.addAll(session.get());
        }
        progress(done.get(), plan.sessions().size(), 0);
        // Stripe's retries of already-delivered events, hours later in life, after everything else here.
        List<Future<?>> late = new ArrayList<>();
        redeliveries.forEach(r -> late.add(pool.submit(r)));
        for (Future<?> f : late) {
            f.get();
        }
        long forgedRefused = forgedAndStale(options.forgedAndStale());
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        connections.forEach(PlainHttpConnection::close);
        if (options.progress() != null) {
            options.progress().println();
        }
        return new Report(sent.get(), accepted.get(), refused.get(), retried.get(), failed.get(), forgedRefused,
                2L * options.forgedAndStale(), Set.copyOf(acceptedEventIds), Map.copyOf(deciding),
                Duration.ofNanos(mostBehindNanos.get()));
    }

    private List<Runnable> play(SessionScript session) {
        if (session.recipientEmail() != null && !session.recipientAfterOutcome()) {
            registerRecipient(session);
        }
        List<Runnable> late = new ArrayList<>();
        for (SessionScript.Delivery delivery : session.deliveries()) {
            if (delivery.late()) {
                late.add(() -> deliver(session, delivery));
            } else {
                deliver(session, delivery);
            }
        }
        if (session.recipientEmail() != null && session.recipientAfterOutcome()) {
            registerRecipient(session);
        }
        return late;
    }

    private void deliver(SessionScript session, SessionScript.Delivery delivery) {
        String transactionId = delivery.status().equals("fulfillment_complete") ? transactionId(session) : null;
        String body = OnrampEvents.event(delivery.eventId(), "crypto.onramp_session_updated", delivery.created(),
                OnrampEvents.session(session.sessionId(), delivery.status(), session.network(), session.currency(),
                        transactionId, delivery.created() - 30));
        Posted posted = postSigned(body, target.webhookSecret(), 0);
        if (posted.status() == 200) {
            acceptedEventIds.add(delivery.eventId());
        }
        if (posted.status() == 200 && delivery.status().equals(session.finalStatus()) && session.terminal()) {
            deciding.putIfAbsent(session.sessionId(), new Deciding(wallAt(posted.dueNanos()), wallAt(posted.answeredNanos())));
        }
    }

    /**
     * The last answer's status (-1: none), when the first attempt was due (its slot in the schedule, or when it was
     * made), and when the last one was answered.
     */
    private record Posted(int status, long dueNanos, long answeredNanos) {
        static Posted answeredNow(int status, long dueNanos) {
            return new Posted(status, dueNanos, System.nanoTime());
        }
    }

    private Instant wallAt(long nanos) {
        return wallAtStart.plusNanos(nanos - nanosAtStart);
    }

    /** Posts with Stripe's retry behaviour on 5xx and connection failures: exponential backoff, for a while. */
    private Posted postSigned(String body, String secret, long timestampSkewSeconds) {
        Retry retry = new Retry();
        long due = pace();
        while (true) {
            long timestamp = System.currentTimeMillis() / 1000 + timestampSkewSeconds;
            sent.incrementAndGet();
            int status = send("POST", "/webhooks/stripe", Map.of("Content-Type", "application/json",
                    "Stripe-Signature", WebhookSigner.header(secret, timestamp, body)), body);
            if (Thread.currentThread().isInterrupted()) {
                return Posted.answeredNow(-1, due);
            }
            if (status == 200) {
                accepted.incrementAndGet();
                return Posted.answeredNow(status, due);
            }
            if (status >= 400 && status < 500) {
                refused.incrementAndGet();
                return Posted.answeredNow(status, due);
            }
            if (!retry.pause()) {
                failed.incrementAndGet();
                return Posted.answeredNow(status, due);
            }
            retried.incrementAndGet();
            pace();
        }
    }

    /**
     * One request to ingest and its status, -1 when it could not be sent or answered. Over a keep-alive plain
     * connection per thread for an http URL (a generator on the JDK client spent more CPU per webhook than ingest
     * did, see {@link PlainHttpConnection}), over the JDK client for https.
     */
    private int send(String method, String path, Map<String, String> headers, String body) {
        if (plain.isPresent()) {
            try {
                return connection.get().exchange(PlainHttpConnection.request(method, plain.get(), plainBasePath + path, headers,
                        body.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                return -1;
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Pauses that double up to {@link #LONGEST_PAUSE}, until {@code retryFor} is spent. */
    private final class Retry {
        private final long deadline = System.nanoTime() + options.retryFor().toNanos();
        private Duration next = Duration.ofMillis(200);

        boolean pause() {
            if (System.nanoTime() + next.toNanos() > deadline) {
                return false;
            }
            sleep(next);
            next = next.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : next.multipliedBy(2);
            return true;
        }
    }

    private void registerRecipient(SessionScript session) {
        String locale = session.sessionId().hashCode() % 3 == 0 ? "es" : "en";
        StringBuilder body = new StringBuilder("{\"email\":\"" + session.recipientEmail() + "\",\"locale\":\"" + locale + "\"");
        if (standIns != null && registersPush(session.sessionId())) {
            body.append(",\"push_subscription\":").append(standIns.pushSubscription(session.sessionId()));
        }
        if (standIns != null && registersWebhook(session.sessionId())) {
            body.append(",\"webhook_url\":\"").append(standIns.webhookUrl()).append('"');
        }
        body.append('}');
        Map<String, String> headers = Map.of("Authorization", "Bearer " + target.apiKey(), "Content-Type", "application/json");
        Retry retry = new Retry();
        do {
            int status = send("PUT", "/v1/sessions/" + session.sessionId() + "/recipient", headers, body.toString());
            if (status == 204 || Thread.currentThread().isInterrupted()) {
                return;
            }
            if (status >= 0 && status < 500) {
                throw new IllegalStateException("recipient for " + session.sessionId() + " refused with " + status);
            }
        } while (retry.pause());
        throw new IllegalStateException("recipient for " + session.sessionId() + " not accepted within " + options.retryFor());
    }

    /** Deliveries signed with a secret ingest does not know, and ones signed an hour ago: all must be refused. */
    private long forgedAndStale(int count) {
        long refusedBefore = refused.get();
        for (int i = 0; i < count; i++) {
            long now = System.currentTimeMillis() / 1000;
            String forged = OnrampEvents.sessionUpdated("evt_forged_" + i, "cos_ForgedSession" + i, "fulfillment_complete", now);
            postSigned(forged, "whsec_not_the_real_secret_" + i, 0);
            String stale = OnrampEvents.sessionUpdated("evt_stale_" + i, "cos_StaleSession0" + i, "fulfillment_complete", now);
            postSigned(stale, target.webhookSecret(), -3600);
        }
        return refused.get() - refusedBefore;
    }

    public static String transactionId(SessionScript session) {
        String hex = Integer.toHexString(session.sessionId().hashCode() & 0x7fffffff);
        return switch (session.network()) {
            case "solana" -> ("5VERv8NMvzbJMEkV" + hex + "xnrLkEaWRtSz9CosKDYjCJjBRnbJLgp8uirBgmQpjKhoR4tjF3Z").substring(0, 64);
            case "bitcoin" -> (hex + "0".repeat(64)).substring(0, 64);
            default -> "0x" + (hex + "ab".repeat(32)).substring(0, 64);
        };
    }

    /** Waits for the next slot of the fixed-rate schedule and returns it (now, without a rate). */
    private long pace() {
        if (options.webhooksPerSecond() <= 0) {
            return System.nanoTime();
        }
        long interval = (long) (1e9 / options.webhooksPerSecond());
        long slot = nextSlot.getAndAdd(interval);
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            sleep(Duration.ofNanos(wait));
        } else {
            mostBehindNanos.accumulateAndGet(-wait, Math::max);
            if (wait < -1_000_000_000L) {
                nextSlot.compareAndSet(slot + interval, System.nanoTime());
            }
        }
        return slot;
    }

    private long progress(int done, int total, long last) {
        PrintStream out = options.progress();
        long now = System.nanoTime();
        if (out == null || now - last < 500_000_000L) {
            return last;
        }
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        out.printf("\r[%s%s] %d/%d sessions, %d webhooks sent, %d accepted, %d retried",
                "#".repeat(filled), ".".repeat(width - filled), done, total, sent.get(), accepted.get(), retried.get());
        out.flush();
        return now;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanosPart() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
