package dev.onramp.schemas;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An address as logs and audit records show it: enough to recognise, not enough to harvest. */
public final class RecipientMask {
    private RecipientMask() {
    }

    private static final Pattern ADDRESS_IN_TEXT = Pattern.compile("[^\\s<>\"'()\\[\\],;:]+@[^\\s<>\"'()\\[\\],;:]+");

    /** {@code buyer@example.com} becomes {@code b***r@example.com}. */
    public static String email(String address) {
        if (address == null) {
            return "(none)";
        }
        int at = address.lastIndexOf('@');
        if (at <= 0) {
            return "***";
        }
        String local = address.substring(0, at);
        String masked = local.length() <= 2 ? local.charAt(0) + "***" : local.charAt(0) + "***" + local.charAt(local.length() - 1);
        return masked + address.substring(at);
    }

    /**
     * Every address in a text masked: a mail server's reply ({@code 550 5.1.1 <buyer@example.com>: Recipient address
     * rejected}) usually names the address, and the reply goes into logs, topics and the console.
     */
    public static String emailsIn(String text) {
        return text == null ? null : ADDRESS_IN_TEXT.matcher(text).replaceAll(m -> Matcher.quoteReplacement(email(m.group())));
    }
}
