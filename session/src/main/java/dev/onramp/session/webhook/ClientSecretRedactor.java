package dev.onramp.session.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Removes every session client_secret from a webhook body before it goes anywhere: topics, logs, error bodies.
 *
 * <p>It catches a secret wherever it stands: the value of any {@code client_secret} field, and any string shaped like
 * one ({@code cos_..._secret_...}), e.g. pasted into metadata, as a value or a key. The body is parsed once, from its
 * bytes: Jackson builds the tree while this class watches each key and string as the parser reads it, decoded (so JSON
 * escapes hide nothing) and with its place in the bytes. The stored text is the body as received with only those
 * strings replaced, so it keeps its exact layout; when a secret is not a string (a {@code client_secret} object, say)
 * the text is the redacted tree written out instead. A body that is not JSON is redacted by pattern, for the
 * dead-letter topic.
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
    private static final String SECRET_FIELD_NAME = "client_secret";

    private final ObjectMapper json;

    public ClientSecretRedactor(ObjectMapper json) {
        this.json = json;
    }

    /** The text with every secret replaced, by pattern: for what is not JSON. */
    public String redactText(String body) {
        String fieldsDone = SECRET_FIELD.matcher(body).replaceAll(SECRET_FIELD_REDACTED);
        return redactShapes(fieldsDone);
    }

    public Redacted redact(String body) {
        return redact(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The redacted body and its redacted tree, or a {@code null} tree when the body is not JSON (the text is then
     * still redacted by pattern, for the dead-letter topic). The bytes must be UTF-8 (the signature check makes sure).
     */
    public Redacted redact(byte[] body) {
        Secrets secrets = new Secrets(body);
        JsonNode tree;
        try (JsonParser parser = new Watched(json.createParser(body), secrets)) {
            tree = json.readTree(parser);
        } catch (IOException | RuntimeException notJson) {
            tree = null;
        }
        if (tree == null || tree.isMissingNode()) {
            return new Redacted(redactText(new String(body, StandardCharsets.UTF_8)), null);
        }
        if (secrets.none()) {
            return new Redacted(new String(body, StandardCharsets.UTF_8), tree);
        }
        JsonNode scrubbed = scrub(tree);
        if (secrets.allSpliceable()) {
            return new Redacted(new String(secrets.spliced(), StandardCharsets.UTF_8), scrubbed);
        }
        try {
            return new Redacted(json.writeValueAsString(scrubbed), scrubbed);
        } catch (IOException e) {
            throw new IllegalStateException("could not write redacted JSON", e);
        }
    }

    public record Redacted(String text, JsonNode tree) {
        public boolean isJson() {
            return tree != null;
        }
    }

    private static boolean hasShape(String text) {
        return text.contains(SECRET_MARK) && SECRET_SHAPE.matcher(text).find();
    }

    private static String redactShapes(String text) {
        return text.contains(SECRET_MARK) ? SECRET_SHAPE.matcher(text).replaceAll(Matcher.quoteReplacement(REDACTED)) : text;
    }

    private static boolean isSecretValue(JsonNode value) {
        return !value.isNull() && !REDACTED.equals(value.asText());
    }

    /**
     * The tree with what {@link Secrets} replaced in the bytes replaced the same way; only when there was some. In
     * place: the tree is this body's own, and copying it cost more than finding the secrets.
     */
    private static JsonNode scrub(JsonNode node) {
        if (node.isTextual()) {
            String text = node.textValue();
            String redacted = redactShapes(text);
            return redacted.equals(text) ? node : TextNode.valueOf(redacted);
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            boolean shapedKey = false;
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                field.setValue(field.getKey().equals(SECRET_FIELD_NAME) && isSecretValue(field.getValue())
                        ? TextNode.valueOf(REDACTED) : scrub(field.getValue()));
                shapedKey |= field.getKey().contains(SECRET_MARK);
            }
            if (shapedKey) {
                Map<String, JsonNode> renamed = new LinkedHashMap<>();
                object.properties().forEach(field -> renamed.put(redactShapes(field.getKey()), field.getValue()));
                object.removeAll();
                object.setAll(renamed);
            }
            return object;
        }
        if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, scrub(array.get(i)));
            }
            return array;
        }
        return node;
    }

    /**
     * The secrets found in one body, each with the bytes that spell it: a key or string value from its opening quote
     * to its closing one, and what goes there instead.
     */
    private static final class Secrets {
        private final byte[] body;
        private final List<Span> spans = new ArrayList<>(2);
        private boolean notString;

        Secrets(byte[] body) {
            this.body = body;
        }

        boolean none() {
            return spans.isEmpty() && !notString;
        }

        boolean allSpliceable() {
            return !notString;
        }

        /** A secret that is not a string: the text is then written from the tree. */
        void notString() {
            notString = true;
        }

        void string(long offset, String replacement) {
            int start = (int) offset;
            int end = start < 0 || start >= body.length || body[start] != '"' ? -1 : closingQuote(start);
            if (end < 0) {
                // Not where a string starts: never guess at bytes, write the tree out instead.
                notString = true;
                return;
            }
            byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(replacement);
            byte[] quoted = new byte[escaped.length + 2];
            quoted[0] = '"';
            System.arraycopy(escaped, 0, quoted, 1, escaped.length);
            quoted[quoted.length - 1] = '"';
            spans.add(new Span(start, end + 1, quoted));
        }

        /** The string's closing quote: the parser has read it already, so only escapes need skipping. */
        private int closingQuote(int open) {
            for (int i = open + 1; i < body.length; i++) {
                if (body[i] == '\\') {
                    i++;
                } else if (body[i] == '"') {
                    return i;
                }
            }
            return -1;
        }

        byte[] spliced() {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
            int at = 0;
            for (Span span : spans) {
                out.write(body, at, span.start() - at);
                out.writeBytes(span.replacement());
                at = span.end();
            }
            out.write(body, at, body.length - at);
            return out.toByteArray();
        }
    }

    private record Span(int start, int end, byte[] replacement) {
    }

    /**
     * The parser Jackson builds the tree from, looking at each key and string value as it goes by. Tree building
     * moves only by {@code nextToken} and {@code nextFieldName}; every other way forward is refused, so that no
     * token can pass unseen (a Jackson that used one would fail every body loudly, not leak).
     */
    private static final class Watched extends JsonParserDelegate {
        private final Secrets secrets;
        private boolean valueOfSecretField;

        Watched(JsonParser parser, Secrets secrets) {
            super(parser);
            this.secrets = secrets;
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = delegate.nextToken();
            seen(token);
            return token;
        }

        @Override
        public String nextFieldName() throws IOException {
            String name = delegate.nextFieldName();
            seen(delegate.currentToken());
            return name;
        }

        private void seen(JsonToken token) throws IOException {
            boolean secretField = valueOfSecretField;
            valueOfSecretField = false;
            if (token == JsonToken.FIELD_NAME) {
                String name = delegate.currentName();
                valueOfSecretField = name.equals(SECRET_FIELD_NAME);
                if (hasShape(name)) {
                    secrets.string(delegate.currentTokenLocation().getByteOffset(), redactShapes(name));
                }
            } else if (token == JsonToken.VALUE_STRING) {
                String text = delegate.getText();
                if (secretField ? !REDACTED.equals(text) : hasShape(text)) {
                    secrets.string(delegate.currentTokenLocation().getByteOffset(), secretField ? REDACTED : redactShapes(text));
                }
            } else if (secretField && token != JsonToken.VALUE_NULL) {
                secrets.notString();
            }
        }

        @Override
        public boolean nextFieldName(SerializableString name) {
            throw unwatched();
        }

        @Override
        public JsonToken nextValue() {
            throw unwatched();
        }

        @Override
        public String nextTextValue() {
            throw unwatched();
        }

        @Override
        public int nextIntValue(int defaultValue) {
            throw unwatched();
        }

        @Override
        public long nextLongValue(long defaultValue) {
            throw unwatched();
        }

        @Override
        public Boolean nextBooleanValue() {
            throw unwatched();
        }

        @Override
        public JsonParser skipChildren() {
            throw unwatched();
        }

        private static UnsupportedOperationException unwatched() {
            return new UnsupportedOperationException("the redactor must see every token; this parser call skips some");
        }
    }
}
