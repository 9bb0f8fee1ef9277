package dev.onramp.ingest.recipient;

import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onramp.runtime.ApiError;
import dev.onramp.runtime.net.OutboundUrlPolicy;
import io.javalin.http.HttpStatus;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** The rules of a {@code PUT /v1/sessions/{id}/recipient} body, one method per field. */
public record RecipientRequest(String sessionId, String email, String locale) {
    /** A dot-atom of ASCII at a host name: no quoted local part, no CR/LF, nothing a mail header could be split on. */
    private static final Pattern PLAIN_ADDRESS = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final Set<String> LANGUAGES = Set.of(Locale.getISOLanguages());
    private static final ObjectMapper JSON = new ObjectMapper();


    /** A bare address that passes Jakarta Mail's strict RFC 5322 parse; no display name, no group. */
    public static String validEmail(String email) {
        if (email == null || email.isBlank() || email.length() > 254) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_email", "email is required (at most 254 characters)");
        }
        if (!PLAIN_ADDRESS.matcher(email).matches()) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_email",
                    "email must be a plain ASCII address (letters, digits and .!#$%&'*+/=?^_`{|}~- before the @)");
        }
        try {
            InternetAddress address = new InternetAddress(email, true);
            address.validate();
            if (!email.equals(address.getAddress()) || address.isGroup() || !email.contains("@")) {
                throw new AddressException("not a bare address");
            }
            String domain = email.substring(email.lastIndexOf('@') + 1);
            if (!domain.contains(".") || domain.startsWith("[")) {
                throw new AddressException("domain must be a fully qualified host name");
            }
        } catch (AddressException e) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_email", "email is not a valid address: " + e.getMessage());
        }
        return email;
    }

    /** A language ({@code en}) or language-region ({@code pt-BR}) tag; English when absent. */
    public static String validLocale(String locale) {
        if (locale == null || locale.isBlank()) {
            return "en";
        }
        Locale parsed = Locale.forLanguageTag(locale);
        boolean wellFormed = locale.matches("[a-zA-Z]{2}(-[a-zA-Z]{2})?");
        if (!wellFormed || !LANGUAGES.contains(parsed.getLanguage())) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_locale",
                    "locale must be an ISO 639-1 language, optionally with a region, such as en or fr-FR");
        }
        return parsed.toLanguageTag();
    }

    /**
     * A browser's {@code PushSubscription.toJSON()}: an endpoint the policy allows, {@code keys.p256dh} a base64url
     * uncompressed P-256 point (65 bytes) and {@code keys.auth} 16 base64url bytes. Kept as that same JSON, minus
     * anything else the browser put in it.
     */
    public static String validPushSubscription(JsonNode subscription, OutboundUrlPolicy policy) {
        if (subscription == null || subscription.isNull()) {
            return null;
        }
        if (!subscription.isObject()) {
            throw invalidPush("push_subscription must be the PushSubscription object, with endpoint and keys");
        }
        String endpoint = subscription.path("endpoint").asText(null);
        policy.refusal(endpoint).ifPresent(reason -> {
            throw invalidPush("push_subscription.endpoint " + reason);
        });
        byte[] p256dh = base64url(subscription.path("keys").path("p256dh").asText(""));
        byte[] auth = base64url(subscription.path("keys").path("auth").asText(""));
        if (p256dh.length != 65 || p256dh[0] != 4) {
            throw invalidPush("push_subscription.keys.p256dh must be the base64url uncompressed P-256 public key (65 bytes)");
        }
        if (auth.length != 16) {
            throw invalidPush("push_subscription.keys.auth must be the base64url 16-byte authentication secret");
        }
        ObjectNode kept = JSON.createObjectNode().put("endpoint", endpoint);
        kept.putObject("keys").put("p256dh", subscription.path("keys").path("p256dh").asText())
                .put("auth", subscription.path("keys").path("auth").asText());
        return kept.toString();
    }

    /** The platform's endpoint for this session's webhooks: https, public (outside dev). */
    public static String validWebhookUrl(String url, OutboundUrlPolicy policy) {
        if (url == null) {
            return null;
        }
        policy.refusal(url).ifPresent(reason -> {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_webhook_url", "webhook_url " + reason);
        });
        return url;
    }

    private static byte[] base64url(String value) {
        try {
            return Base64.getUrlDecoder().decode(value.replace("=", ""));
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static ApiError invalidPush(String message) {
        return new ApiError(HttpStatus.BAD_REQUEST, "invalid_push_subscription", message);
    }
}
