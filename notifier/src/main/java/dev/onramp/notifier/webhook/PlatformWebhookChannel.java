package dev.onramp.notifier.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.EmptyWebhookSecretException;
import com.standardwebhooks.exceptions.WebhookSigningException;
import dev.onramp.notifier.deciding.ProviderAnswer;
import dev.onramp.notifier.deciding.HttpAnswer;
import dev.onramp.notifier.deciding.Notification;
import dev.onramp.notifier.deciding.NotificationChannel;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import dev.onramp.schemas.Channel;
import dev.onramp.schemas.SessionRecipient;

/**
 * Tells the platform's backend, signed per the Standard Webhooks specification (with its reference library):
 * {@code webhook-id} is the notification id (the same on every retry, so the platform de-duplicates on it),
 * {@code webhook-timestamp} the send time in seconds, {@code webhook-signature} one {@code v1,} signature per
 * configured secret, space-separated, so a platform rotating its secret verifies with either.
 *
 * <p>The deployment's URL ({@code PLATFORM_WEBHOOK_URL}) unless the session's recipient names its own. 2xx is
 * sent; 410 means the endpoint is gone (not retried, not used again until the URL changes); any other answer or
 * none within the timeout is retried with backoff, honouring {@code Retry-After}. No redirects are followed.
 */
public final class PlatformWebhookChannel implements NotificationChannel {
    private final Optional<String> deploymentUrl;
    private final List<Webhook> signers;
    private final HttpClient http;
    private final Duration timeout;
    private final OutboundUrlPolicy policy;
    private final Clock clock;

    public PlatformWebhookChannel(Optional<String> deploymentUrl, List<String> secrets, Duration timeout, OutboundUrlPolicy policy,
                                  Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("PLATFORM_WEBHOOK_SECRETS must name at least one whsec_ secret");
        }
        this.deploymentUrl = deploymentUrl;
        this.signers = secrets.stream().map(PlatformWebhookChannel::signer).toList();
        this.timeout = timeout;
        this.policy = policy;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static Webhook signer(String secret) {
        try {
            return new Webhook(secret.trim());
        } catch (RuntimeException | EmptyWebhookSecretException e) {
            throw new IllegalArgumentException("a PLATFORM_WEBHOOK_SECRETS entry is not a whsec_ base64 secret");
        }
    }

    @Override
    public Channel kind() {
        return Channel.WEBHOOK;
    }

    @Override
    public Optional<String> address(SessionRecipient recipient) {
        return Optional.ofNullable(recipient.getWebhookUrl()).filter(u -> !u.isBlank()).or(() -> deploymentUrl);
    }

    @Override
    public String mask(String address) {
        try {
            return "webhook:" + URI.create(address).getHost();
        } catch (IllegalArgumentException e) {
            return "webhook:(unreadable URL)";
        }
    }

    @Override
    public ProviderAnswer deliver(Notification notification) {
        URI url;
        try {
            url = URI.create(notification.address());
        } catch (IllegalArgumentException e) {
            return new ProviderAnswer.Permanent("the webhook URL is not a valid URL");
        }
        Optional<String> refused = policy.refusalOnResolve(url);
        if (refused.isPresent()) {
            return new ProviderAnswer.Permanent("webhook URL refused: it " + refused.get());
        }
        String body = WebhookBody.of(notification);
        long timestamp = clock.instant().getEpochSecond();
        String signatures;
        try {
            signatures = sign(notification.id(), timestamp, body);
        } catch (WebhookSigningException e) {
            return new ProviderAnswer.Permanent("could not sign the webhook: " + e.getMessage());
        }
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "onramp-pipeline-webhooks")
                .header("webhook-id", notification.id())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signatures)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            int status = response.statusCode();
            if (HttpAnswer.succeeded(status)) {
                return new ProviderAnswer.Sent(notification.id());
            }
            if (status == 410) {
                return new ProviderAnswer.Gone("platform endpoint answered 410: disabled until the URL changes");
            }
            return new ProviderAnswer.Transient("platform endpoint answered " + status, HttpAnswer.retryAfter(response.headers(), clock));
        } catch (IOException e) {
            return new ProviderAnswer.Transient("platform endpoint did not answer within " + timeout.toSeconds() + " s: "
                    + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProviderAnswer.Transient("interrupted while sending");
        }
    }

    private String sign(String id, long timestamp, String body) throws WebhookSigningException {
        StringBuilder all = new StringBuilder();
        for (Webhook signer : signers) {
            all.append(all.length() == 0 ? "" : " ").append(signer.sign(id, timestamp, body));
        }
        return all.toString();
    }
}
