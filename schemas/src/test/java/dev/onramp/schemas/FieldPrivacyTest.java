package dev.onramp.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * Every field of every contract says whether it holds personal data ({@code "privacy"}: personal, pseudonymous or
 * none), and schemas/README.md lists every field that does, with the topics that carry it: the list a
 * data-protection officer reads is the one the build checks.
 */
class FieldPrivacyTest {
    private static final Set<String> CLASSES = Set.of("personal", "pseudonymous", "none");
    /**
     * Every personal and pseudonymous field on the kept-forever topics is sealed with the subject's data key: by
     * ingest (runtime's RecordSealer) and by the notifier's audit records (NotificationTopology). A new one fails
     * here until its writer seals it too; the end-to-end test reads every topic's bytes for an erased person's data.
     */
    private static final Set<String> SEALED_ON_FOREVER_TOPICS = Set.of("RawWebhook.payload", "TransactionDetails.transaction_id",
            "TransactionDetails.wallet_address", "TransactionDetails.wallet_addresses", "NotificationRecord.recipient_masked",
            "NotificationRecord.reason");
    private static final Pattern README_ROW = Pattern.compile("^\\| `(\\w+)\\.(\\w+)` \\| (\\w+) \\| (.*) \\|$");

    @Test
    void everyFieldOfEveryContractHasAPrivacyClass() {
        List<String> unclassified = new ArrayList<>();
        for (Topic<?> topic : Topics.ALL) {
            fieldsOf(topic.valueSchema()).forEach((name, field) -> {
                Object privacy = field.getObjectProp("privacy");
                if (!CLASSES.contains(privacy)) {
                    unclassified.add(name + " (" + privacy + ")");
                }
            });
        }
        assertThat(unclassified).as("fields without \"privacy\": one of %s", CLASSES).isEmpty();
    }

    @Test
    void noPersonalFieldIsWrittenInClearToAKeptForeverTopic() {
        Set<String> personal = new TreeSet<>();
        for (Topic<?> topic : Topics.ALL) {
            if (!topic.compacted() && topic.retention() == null) {
                fieldsOf(topic.valueSchema()).forEach((name, field) -> {
                    if (!"none".equals(field.getObjectProp("privacy"))) {
                        personal.add(name);
                    }
                });
            }
        }
        assertThat(personal).as("personal or pseudonymous fields on kept-forever topics, each sealed by its writer")
                .isEqualTo(SEALED_ON_FOREVER_TOPICS);
    }

    @Test
    void theReadmeListsEveryFieldThatHoldsPersonalDataAndWhereItLies() throws IOException {
        Map<String, String> classes = new TreeMap<>();
        Map<String, List<String>> places = new TreeMap<>();
        for (Topic<?> topic : Topics.ALL) {
            fieldsOf(topic.valueSchema()).forEach((name, field) -> {
                String privacy = String.valueOf(field.getObjectProp("privacy"));
                if (!"none".equals(privacy)) {
                    classes.put(name, privacy);
                    places.computeIfAbsent(name, n -> new ArrayList<>()).add("`" + topic.name() + "` (" + keeping(topic) + ")");
                }
            });
        }
        Map<String, String> expected = new TreeMap<>();
        classes.forEach((name, privacy) -> expected.put(name, privacy + " | " + String.join(", ", places.get(name))));
        Map<String, String> listed = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8)) {
            Matcher row = README_ROW.matcher(line);
            if (row.matches()) {
                listed.put(row.group(1) + "." + row.group(2), row.group(3) + " | " + row.group(4));
            }
        }
        assertThat(listed).as("rows of README.md's personal data table: | `Record.field` | class | topics |").isEqualTo(expected);
    }

    private static String keeping(Topic<?> topic) {
        if (topic.compacted()) {
            return "compacted";
        }
        return topic.retention() == null ? "forever" : topic.retention().toDays() + " days";
    }

    /** Every field reachable from a record, named {@code Record.field}, each named type once. */
    private static Map<String, Schema.Field> fieldsOf(Schema root) {
        Map<String, Schema.Field> fields = new TreeMap<>();
        collect(root, fields, new TreeSet<>());
        return fields;
    }

    private static void collect(Schema schema, Map<String, Schema.Field> fields, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    for (Schema.Field field : schema.getFields()) {
                        fields.put(schema.getName() + "." + field.name(), field);
                        collect(field.schema(), fields, seen);
                    }
                }
            }
            case UNION -> schema.getTypes().forEach(branch -> collect(branch, fields, seen));
            case ARRAY -> collect(schema.getElementType(), fields, seen);
            case MAP -> collect(schema.getValueType(), fields, seen);
            default -> {
            }
        }
    }
}
