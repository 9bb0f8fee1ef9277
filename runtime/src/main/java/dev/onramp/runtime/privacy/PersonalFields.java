package dev.onramp.runtime.privacy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import dev.onramp.schemas.TrustedContracts;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Seals and opens the fields a contract marks {@code "privacy": "personal"} or {@code "pseudonymous"}: strings, and the
 * strings of maps and arrays, at any depth. The contracts say which fields; nothing here names one, so a field
 * classified tomorrow is sealed tomorrow.
 */
public final class PersonalFields {
    private static final Map<Schema, Boolean> HOLDS_PERSONAL = new ConcurrentHashMap<>();
    private static final Map<Schema, Plan> PLANS = new ConcurrentHashMap<>();

    static {
        // A copy (deepCopy) makes Avro look the nested records' classes up by name: ours must be trusted first.
        TrustedContracts.trust();
    }

    private PersonalFields() {
    }

    public static boolean isPersonal(Schema.Field field) {
        Object privacy = field.getObjectProp("privacy");
        return "personal".equals(privacy) || "pseudonymous".equals(privacy);
    }

    /** Whether values of this schema carry a personal or pseudonymous field anywhere. */
    public static boolean holdsPersonal(Schema schema) {
        return HOLDS_PERSONAL.computeIfAbsent(schema, s -> holds(s, new ArrayList<>()));
    }

    /** A copy with every personal field sealed under {@code key}; the record itself when it has none. */
    public static <V extends SpecificRecord> V seal(V record, DataKey key) {
        // A value that appears twice (a wallet address and the network's) seals to the same string: sealed once.
        Map<String, String> sealed = new HashMap<>();
        return transformed(record, value -> SealedValue.isSealed(value) ? value
                : sealed.computeIfAbsent(value, v -> SealedValue.seal(key, v)));
    }

    /** A copy with every sealed field opened, or {@link SealedValue#ERASED} where its key is gone. */
    public static <V extends SpecificRecord> V open(V record, KeyStore keys) {
        return transformed(record, value -> open(value, keys));
    }

    /** A sealed string opened (a string in clear as it is). */
    public static String open(String value, KeyStore keys) {
        Optional<String> keyId = SealedValue.keyIdOf(value);
        if (keyId.isEmpty()) {
            return value;
        }
        Optional<DataKey> key = keys.find(keyId.get());
        if (key.isEmpty()) {
            return SealedValue.ERASED;
        }
        try {
            return SealedValue.open(key.get(), value);
        } catch (IllegalArgumentException e) {
            return SealedValue.ERASED;
        }
    }

    /**
     * A copy of the record in which only what leads to a personal field is new: the records on the way are copied
     * field by field, everything else is shared with the original (Avro strings are immutable, and neither the
     * original nor the copy is changed afterwards by any caller). A deep copy of a webhook's payload cost more than
     * sealing it.
     */
    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> V transformed(V record, UnaryOperator<String> transform) {
        if (record == null || !holdsPersonal(record.getSchema())) {
            return record;
        }
        return (V) copied(record, transform);
    }

    private static IndexedRecord copied(IndexedRecord record, UnaryOperator<String> transform) {
        Schema schema = record.getSchema();
        Plan plan = PLANS.computeIfAbsent(schema, Plan::of);
        IndexedRecord copy = (IndexedRecord) SpecificData.get().newRecord(null, schema);
        for (int pos = 0; pos < schema.getFields().size(); pos++) {
            copy.put(pos, record.get(pos));
        }
        for (int pos : plan.personal()) {
            Object value = record.get(pos);
            if (value != null) {
                copy.put(pos, strings(value, transform));
            }
        }
        for (int pos : plan.holding()) {
            Object value = record.get(pos);
            if (value != null) {
                copy.put(pos, descended(value, transform));
            }
        }
        return copy;
    }

    /** Which fields of a record schema are personal, and which hold a personal field deeper down. */
    private record Plan(int[] personal, int[] holding) {
        static Plan of(Schema schema) {
            List<Schema.Field> fields = schema.getFields();
            return new Plan(fields.stream().filter(PersonalFields::isPersonal).mapToInt(Schema.Field::pos).toArray(),
                    fields.stream().filter(f -> !isPersonal(f) && holdsPersonal(f.schema())).mapToInt(Schema.Field::pos).toArray());
        }
    }

    /** Every string of a personal field's value transformed; bytes are left alone (no kept-forever contract has any). */
    private static Object strings(Object value, UnaryOperator<String> transform) {
        if (value instanceof CharSequence text) {
            return transform.apply(text.toString());
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k.toString(), v == null ? null : strings(v, transform)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> v == null ? null : strings(v, transform)).toList();
        }
        return value;
    }

    /** A value that holds personal fields deeper down, with those transformed. */
    private static Object descended(Object value, UnaryOperator<String> transform) {
        if (value instanceof IndexedRecord nested) {
            return copied(nested, transform);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> v == null ? null : descended(v, transform)).toList();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, v == null ? null : descended(v, transform)));
            return out;
        }
        return value;
    }

    private static boolean holds(Schema schema, List<Schema> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.contains(schema)) {
                    return false;
                }
                seen.add(schema);
                return schema.getFields().stream().anyMatch(f -> isPersonal(f) || holds(f.schema(), seen));
            }
            case UNION -> {
                return schema.getTypes().stream().anyMatch(s -> holds(s, seen));
            }
            case ARRAY -> {
                return holds(schema.getElementType(), seen);
            }
            case MAP -> {
                return holds(schema.getValueType(), seen);
            }
            default -> {
                return false;
            }
        }
    }
}
