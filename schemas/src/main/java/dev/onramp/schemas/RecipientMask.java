package dev.onramp.schemas;

/** An address as logs and audit records show it: enough to recognise, not enough to harvest. */
public final class RecipientMask {
    private RecipientMask() {
    }

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
}
