package dev.onramp.ingest.recipient;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.onramp.runtime.ApiError;
import dev.onramp.schemas.SessionIds;
import io.javalin.http.HttpStatus;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/** A validated {@code PUT /v1/sessions/{id}/recipient} body. */
public record RecipientRequest(String sessionId, String email, String locale) {
    /** A dot-atom of ASCII at a host name: no quoted local part, no CR/LF, nothing a mail header could be split on. */
    private static final Pattern PLAIN_ADDRESS = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final Set<String> LANGUAGES = Set.of(Locale.getISOLanguages());

    static String validSessionId(String sessionId) {
        if (!SessionIds.isValid(sessionId)) {
            throw new ApiError(HttpStatus.BAD_REQUEST, "invalid_session_id",
                    "session id must look like cos_ followed by 8 to 64 letters or digits");
        }
        return sessionId;
    }

    /** A bare address that passes Jakarta Mail's strict RFC 5322 parse; no display name, no group. */
    static String validEmail(String email) {
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
    static String validLocale(String locale) {
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
}
