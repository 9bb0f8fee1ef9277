package dev.onramp.ingest.mint;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code customer_information}: KYC fields the platform already has. Passed to Stripe and nowhere else: no topic,
 * no log. All optional; a date of birth has all of year, month and day; a country is two letters.
 */
final class CustomerInformation {
    private static final Set<String> FIELDS = Set.of("email", "first_name", "last_name", "dob", "address");
    private static final Set<String> ADDRESS = Set.of("country", "line1", "line2", "city", "state", "postal_code");
    private static final int LONGEST = 256;

    private CustomerInformation() {
    }

    static void validate(JsonNode info, Map<String, Object> form) {
        if (info == null || info.isNull()) {
            return;
        }
        if (!info.isObject()) {
            throw MintRefused.invalid("customer_information", "customer_information must be an object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = info.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String param = "customer_information[" + field.getKey() + "]";
            if (!FIELDS.contains(field.getKey())) {
                throw MintRefused.invalid(param, "Received unknown parameter: " + param);
            }
            switch (field.getKey()) {
                case "dob" -> out.put("dob", dob(field.getValue()));
                case "address" -> out.put("address", address(field.getValue()));
                default -> out.put(field.getKey(), freeform(field.getValue(), param));
            }
        }
        form.put("customer_information", out);
    }

    /** All of year, month and day, and a real date in the past. */
    static Map<String, Object> dob(JsonNode dob) {
        if (!dob.isObject()) {
            throw MintRefused.invalid("customer_information[dob]", "dob must be an object with year, month and day");
        }
        JsonNode year = dob.get("year");
        JsonNode month = dob.get("month");
        JsonNode day = dob.get("day");
        if (year == null || month == null || day == null || !year.isInt() || !month.isInt() || !day.isInt()) {
            throw MintRefused.invalid("customer_information[dob]", "dob needs all of year, month and day, each an integer");
        }
        try {
            LocalDate date = LocalDate.of(year.asInt(), month.asInt(), day.asInt());
            if (!date.isBefore(LocalDate.now()) || date.getYear() < 1900) {
                throw MintRefused.invalid("customer_information[dob]", "dob must be a date of birth in the past");
            }
        } catch (DateTimeException e) {
            throw MintRefused.invalid("customer_information[dob]", "dob is not a date: " + e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("year", year.asInt());
        out.put("month", month.asInt());
        out.put("day", day.asInt());
        return out;
    }

    static Map<String, Object> address(JsonNode address) {
        if (!address.isObject()) {
            throw MintRefused.invalid("customer_information[address]", "address must be an object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = address.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String param = "customer_information[address][" + field.getKey() + "]";
            if (!ADDRESS.contains(field.getKey())) {
                throw MintRefused.invalid(param, "Received unknown parameter: " + param);
            }
            String value = freeform(field.getValue(), param);
            if (field.getKey().equals("country") && !value.matches("[A-Za-z]{2}")) {
                throw MintRefused.invalid(param, "country must be a two-letter country code, such as US");
            }
            out.put(field.getKey(), value);
        }
        return out;
    }

    private static String freeform(JsonNode value, String param) {
        if (!value.isTextual() || value.asText().length() > LONGEST) {
            throw MintRefused.invalid(param, param + " must be a string of at most " + LONGEST + " characters");
        }
        return value.asText();
    }
}
