package dev.onramp.schemas.serde;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;

/**
 * The three calls of the Confluent Schema Registry REST API this project needs, with an id cache in both
 * directions. Any registry that speaks that API works (Confluent's, Apicurio's {@code /apis/ccompat/v7}, Karapace).
 *
 * <p>Every failure is a {@link SchemaRegistryException} that names the registry, the subject or id, and what the
 * registry said; a registry that does not answer fails within the configured timeout rather than hanging.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final Set<String> lookupOnly;
    private final Map<SubjectSchema, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public SchemaRegistryClient(String baseUrl, Duration timeout) {
        this(RegistryAccess.plain(baseUrl, timeout));
    }

    public SchemaRegistryClient(RegistryAccess access) {
        String url = access.url();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.timeout = access.timeout();
        this.authorization = access.credentials().authorization();
        this.lookupOnly = access.lookupOnly();
        // HTTP/1.1, as Confluent's own client speaks: over the JDK's default HTTP/2 (upgraded in clear text) Apicurio
        // now and then never finished reading a request body sent on a shared connection, and the call timed out.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .sslContext(access.sslContext()).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * {@code POST /subjects/{subject}/versions}: registers (or finds) the schema and returns its global id. Under a
     * subject of {@link RegistryAccess#lookupOnly()} it only looks the schema up; missing there is the deployment's
     * fault, never the record's, so the failure carries no HTTP status a caller would take for a bad record.
     */
    @Override
    public int register(String subject, Schema schema) {
        if (lookupOnly.contains(subject)) {
            try {
                return lookup(subject, schema);
            } catch (SchemaRegistryException e) {
                throw new SchemaRegistryException(e.getMessage() + " (this service registers no contract: `onramp contracts apply`"
                        + " registers this build's)", e);
            }
        }
        for (int attempt = 1; ; attempt++) {
            try {
                int id = idOf(subject, schema, "/subjects/" + encode(subject) + "/versions", "registering a schema under " + subject);
                schemasById.putIfAbsent(id, schema);
                return id;
            } catch (SchemaRegistryException e) {
                // Two instances registering the first schema of a subject at once: Apicurio answers the loser 409
                // "already exists"; asked again, it finds the schema. A real incompatibility stays 409 and fails.
                if (!e.isConflict() || attempt == MAX_CONFLICT_ATTEMPTS) {
                    throw e;
                }
                pause(Duration.ofMillis(50L * attempt));
            }
        }
    }

    private static final int MAX_CONFLICT_ATTEMPTS = 4;

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while waiting to ask the registry again", e);
        }
    }

    /** {@code POST /subjects/{subject}}: the id of a schema already registered under the subject. */
    @Override
    public int lookup(String subject, Schema schema) {
        return idOf(subject, schema, "/subjects/" + encode(subject), "looking up a schema under " + subject);
    }

    private int idOf(String subject, Schema schema, String path, String what) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySchema.get(key);
        if (cached != null) {
            return cached;
        }
        String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
        JsonNode answer = call("POST", path, body, what);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException("registry at " + baseUrl + " answered without an id while " + what + ": " + answer);
        }
        idsBySchema.put(key, id);
        return id;
    }

    /** {@code GET /schemas/ids/{id}}: the writer schema of a record. */
    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null, "looking up schema id " + id);
        String text = answer.path("schema").asText(null);
        if (text == null) {
            throw new SchemaRegistryException("registry at " + baseUrl + " returned no schema for id " + id);
        }
        Schema schema = new Schema.Parser().parse(text);
        schemasById.put(id, schema);
        return schema;
    }

    /** {@code PUT /config/{subject}}: e.g. FULL_TRANSITIVE, so old events stay readable by new code forever. */
    @Override
    public void setCompatibility(String subject, String level) {
        String body = JSON.createObjectNode().put("compatibility", level).toString();
        for (int attempt = 1; ; attempt++) {
            try {
                call("PUT", "/config/" + encode(subject), body, "setting compatibility of " + subject);
                return;
            } catch (SchemaRegistryException e) {
                // Instances starting together set the same subject's rule at once: Apicurio answers all but one 409
                // "A rule named 'COMPATIBILITY' already exists". If the rule is now the one wanted, that is success;
                // if not, the next PUT finds it and updates it.
                if (!e.isConflict() || attempt == MAX_CONFLICT_ATTEMPTS) {
                    throw e;
                }
                if (level.equals(compatibility(subject))) {
                    return;
                }
                pause(Duration.ofMillis(50L * attempt));
            }
        }
    }

    /** {@code GET /config/{subject}}. */
    @Override
    public String compatibility(String subject) {
        JsonNode answer = call("GET", "/config/" + encode(subject), null, "reading compatibility of " + subject);
        return answer.path("compatibilityLevel").asText(answer.path("compatibility").asText(null));
    }

    private JsonNode call(String method, String path, String body, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE);
        authorization.ifPresent(value -> request.header("Authorization", value));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " did not answer within "
                    + timeout.toMillis() + " ms while " + what, e);
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " is unreachable while " + what
                    + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while " + what, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new SchemaRegistryException(status, "schema registry at " + baseUrl + " refused " + what
                    + " with HTTP " + status + (status == 409 && what.startsWith("registering") ? " (incompatible with the registered versions)" : "")
                    + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " answered " + what
                    + " with something that is not JSON: " + response.body(), e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8);
    }

    private record SubjectSchema(String subject, Schema schema) {
    }
}
