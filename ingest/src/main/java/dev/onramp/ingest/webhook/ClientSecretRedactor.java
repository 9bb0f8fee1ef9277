package dev.onramp.ingest.webhook;

import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Removes every session client_secret from a webhook body before it goes anywhere: topics, logs, error bodies.
 *
 * <p>It works on the text, so the stored payload keeps the body's exact layout apart from the secrets, and it
 * catches a secret wherever it stands: the {@code client_secret} field, and any string shaped like one
 * ({@code cos_..._secret_...}), e.g. pasted into metadata. When the body is JSON, the result is parsed again and
 * checked; a secret hidden from the text patterns (by JSON escapes) makes it fall back to rewriting the JSON tree.
 */
public final class ClientSecretRedactor {
    public static final String REDACTED = "[REDACTED]";
    /** A CryptoOnrampSession client secret: the session id, "_secret_", a random part. */
    // Possessive quantifiers: none of these runs can give characters back to what follows, and saying so spares
    // the regex engine a backtracking step per character of every body.
    static final Pattern SECRET_SHAPE = Pattern.compile("cos_[A-Za-z0-9]++_secret_[A-Za-z0-9]++");
    // Starts with the literal field name, so the engine skips ahead to each occurrence (Boyer-Moore) instead of
    // trying the pattern at every character of the body.
    private static final Pattern SECRET_FIELD =
            Pattern.compile("\"client_secret\"(\\s*+:\\s*+)\"(?:[^\"\\\\]++|\\\\.)*+\"");
    private static final String SECRET_FIELD_REDACTED = "\"client_secret\"$1\"" + Matcher.quoteReplacement(REDACTED) + "\"";
    /** Every secret shape contains this; a string without it needs no regex. */
    private static final String SECRET_MARK = "_secret_";

    private final ObjectMapper json;

    public ClientSecretRedactor(ObjectMapper json) {
        this.json = json;
    }

    /** The text with every secret replaced. */
    public String redactText(String body) {
        String fieldsDone = SECRET_FIELD.matcher(body).replaceAll(SECRET_FIELD_REDACTED);
        return fieldsDone.contains(SECRET_MARK)
                ? SECRET_SHAPE.matcher(fieldsDone).replaceAll(Matcher.quoteReplacement(REDACTED))
                : fieldsDone;
    }

    /**
     * The redacted body and its parsed tree, or {@code null} tree when the body is not JSON (the text is then
     * still redacted by pattern, for the dead-letter topic).
     */
    public Redacted redact(String body) {
        String text = redactText(body);
        JsonNode tree;
        try {
            tree = json.readTree(text);
        } catch (Exception notJson) {
            return new Redacted(text, null);
        }
        if (tree == null || tree.isMissingNode()) {
            return new Redacted(text, null);
        }
        if (containsSecret(tree)) {
            JsonNode rewritten = scrub(tree);
            try {
                return new Redacted(json.writeValueAsString(rewritten), rewritten);
            } catch (Exception e) {
                throw new IllegalStateException("could not write redacted JSON", e);
            }
        }
        return new Redacted(text, tree);
    }

    public record Redacted(String text, JsonNode tree) {
        public boolean isJson() {
            return tree != null;
        }
    }

    static boolean containsSecret(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue();
            return text.contains(SECRET_MARK) && SECRET_SHAPE.matcher(text).find();
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().equals("client_secret") && !(field.getValue().isNull() || REDACTED.equals(field.getValue().asText()))) {
                    return true;
                }
                boolean secretShapedKey = field.getKey().contains(SECRET_MARK) && SECRET_SHAPE.matcher(field.getKey()).find();
                if (secretShapedKey || containsSecret(field.getValue())) {
                    return true;
                }
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                if (containsSecret(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode scrub(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(SECRET_SHAPE.matcher(node.textValue()).replaceAll(Matcher.quoteReplacement(REDACTED)));
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.fields().forEachRemaining(field -> {
                String key = SECRET_SHAPE.matcher(field.getKey()).replaceAll(Matcher.quoteReplacement(REDACTED));
                copy.set(key, field.getKey().equals("client_secret") && !field.getValue().isNull()
                        ? TextNode.valueOf(REDACTED) : scrub(field.getValue()));
            });
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(element -> copy.add(scrub(element)));
            return copy;
        }
        return node;
    }
}
