package dev.onramp.devstack.simulate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onramp.devstack.stripe.OnrampEvents;

/**
 * Plays the platform from the first step: mints sessions through ingest's {@code POST /v1/onramp-sessions} (each
 * with its recipient, and with push and webhook channels when stand-ins are given), then leaves the rest to Stripe:
 * against {@code onramp dev}'s local Stripe, each session moves on and its webhooks arrive by themselves.
 */
public final class MintSimulation {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The sessions Stripe created, and the mints that were refused or failed. */
    public record Report(List<String> sessionIds, long refused, long failed) {
    }

    private final String ingestUrl;
    private final String apiKey;
    private final ChannelStandIns standIns;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public MintSimulation(String ingestUrl, String apiKey, ChannelStandIns standIns) {
        this.ingestUrl = ingestUrl;
        this.apiKey = apiKey;
        this.standIns = standIns;
    }

    public Report run(int sessions, long seed, int concurrency) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, concurrency));
        List<Future<String>> mints = new ArrayList<>();
        AtomicLong refused = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        for (int i = 0; i < sessions; i++) {
            int n = i;
            mints.add(pool.submit(() -> mint(n, seed, refused, failed)));
        }
        List<String> ids = new ArrayList<>();
        for (Future<String> mint : mints) {
            try {
                String id = mint.get();
                if (id != null) {
                    ids.add(id);
                }
            } catch (ExecutionException e) {
                failed.incrementAndGet();
            }
        }
        pool.shutdown();
        return new Report(ids, refused.get(), failed.get());
    }

    private String mint(int n, long seed, AtomicLong refused, AtomicLong failed) throws IOException, InterruptedException {
        Map.Entry<String, String> pair = OnrampEvents.NETWORKS.get(n % OnrampEvents.NETWORKS.size());
        ObjectNode body = JSON.createObjectNode();
        body.putArray("destination_networks").add(pair.getKey());
        body.put("destination_network", pair.getKey());
        body.put("destination_currency", pair.getValue());
        body.put("source_currency", "usd");
        body.put("source_amount", (50 + n % 200) + ".00");
        body.put("customer_ip_address", "8.8.8.8");
        String email = "minted" + n + "@example.com";
        body.putObject("customer_information").put("email", email).put("first_name", "Sim").put("last_name", "User" + n);
        ObjectNode recipient = body.putObject("recipient").put("email", email).put("locale", n % 3 == 0 ? "es" : "en");
        String key = "cos_simulated_" + n;
        if (standIns != null && OnrampSimulator.registersPush(key)) {
            recipient.set("push_subscription", JSON.readTree(standIns.pushSubscription("mint" + n)));
        }
        if (standIns != null && OnrampSimulator.registersWebhook(key)) {
            recipient.put("webhook_url", standIns.webhookUrl());
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/onramp-sessions"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "simulate-" + seed + "-" + n)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        for (int attempt = 0; attempt < 5; attempt++) {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                return JSON.readTree(answer.body()).path("id").asText();
            }
            if (answer.statusCode() < 500) {
                refused.incrementAndGet();
                return null;
            }
            Thread.sleep(200L << attempt);
        }
        failed.incrementAndGet();
        return null;
    }
}
