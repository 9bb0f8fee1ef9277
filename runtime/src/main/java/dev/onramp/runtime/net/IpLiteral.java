package dev.onramp.runtime.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IP address written as a literal, parsed without a DNS lookup. {@link InetAddress#getByName} looks up anything
 * that is not a literal, so text from a client (a header, a request parameter) is first held to the characters
 * a literal can have: a dotted quad, or hex digits, colons and dots with at least one colon (IPv6, IPv4-mapped
 * included). The JDK's own parser then decides, and refuses what is not a valid address ({@code :::::}).
 */
public final class IpLiteral {
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private IpLiteral() {
    }

    /** The address {@code text} spells (brackets around IPv6 allowed), or empty when it is not a literal address. */
    public static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String literal = text.trim();
        if (literal.length() > 2 && literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        boolean ipv6 = literal.indexOf(':') >= 0 && literal.charAt(0) != '.' && IPV6_CHARACTERS.matcher(literal).matches();
        if (!ipv6 && !IPV4.matcher(literal).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
