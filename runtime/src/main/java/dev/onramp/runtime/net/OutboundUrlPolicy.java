package dev.onramp.runtime.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the pipeline may send a request whose URL a client chose (a browser's push endpoint, a platform's webhook
 * URL): the guard against server-side request forgery. Outside dev only https to public addresses; a developer's
 * stack ({@code OUTBOUND_ALLOW_PRIVATE_NETWORKS=true}) may also use http to loopback and private addresses.
 *
 * <p>{@link #refusal(String)} checks the URL's shape where it is registered; {@link #refusalOnResolve(URI)} checks
 * the addresses its host resolves to, just before each request, so a name that later points inside the network
 * is refused then. The HTTP client resolves the name once more to connect: a name re-pointed between the two
 * lookups within the resolver's cache time is the gap left, which only a pinned address would close.
 */
public final class OutboundUrlPolicy {
    private static final int MAX_URL_LENGTH = 2_048;

    /** Name to addresses: the system resolver, or a test's. */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivateNetworks;
    private final Resolver resolver;

    OutboundUrlPolicy(boolean allowPrivateNetworks, Resolver resolver) {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.resolver = resolver;
    }

    private OutboundUrlPolicy(boolean allowPrivateNetworks) {
        this(allowPrivateNetworks, InetAddress::getAllByName);
    }

    public static OutboundUrlPolicy publicOnly() {
        return new OutboundUrlPolicy(false);
    }

    public static OutboundUrlPolicy allowingPrivateNetworks() {
        return new OutboundUrlPolicy(true);
    }

    public static OutboundUrlPolicy of(boolean allowPrivateNetworks) {
        return new OutboundUrlPolicy(allowPrivateNetworks);
    }

    public boolean allowsPrivateNetworks() {
        return allowPrivateNetworks;
    }

    /** Why the URL may not be used, or empty: an absolute https URL with a host, no user info, no fragment. */
    public Optional<String> refusal(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_URL_LENGTH) {
            return Optional.of("must be an absolute https URL of at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return Optional.of("must be an absolute URL with a host, and no user info or fragment");
        }
        return schemeRefusal(uri).or(() -> literalAddress(uri.getHost()).flatMap(this::refusalOf));
    }

    private Optional<String> schemeRefusal(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean loopbackName = isLoopbackName(uri.getHost());
        boolean devHttp = scheme.equals("http") && allowPrivateNetworks && loopbackName;
        if (!scheme.equals("https") && !devHttp) {
            return Optional.of(allowPrivateNetworks ? "must be https (http only to localhost)" : "must be https");
        }
        if (!allowPrivateNetworks && loopbackName) {
            return Optional.of("must not point at this host");
        }
        return Optional.empty();
    }

    /** Resolves the URL's host and refuses it when any of its addresses is not a public one (unless allowed). */
    public Optional<String> refusalOnResolve(URI uri) {
        Optional<String> shape = refusal(uri.toString());
        if (shape.isPresent() || allowPrivateNetworks) {
            return shape;
        }
        try {
            for (InetAddress address : resolver.resolve(uri.getHost())) {
                Optional<String> refused = refusalOf(address);
                if (refused.isPresent()) {
                    return refused;
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty(); // the request fails on its own, as a transient failure the sender retries
        }
    }

    private Optional<String> refusalOf(InetAddress address) {
        if (allowPrivateNetworks || isPublic(address)) {
            return Optional.empty();
        }
        return Optional.of("resolves to a private, loopback, link-local or reserved address");
    }

    static boolean isPublic(InetAddress address) {
        boolean local = address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress();
        if (local) {
            return false;
        }
        if (address instanceof Inet4Address) {
            return isPublicV4(address.getAddress());
        }
        return address instanceof Inet6Address && isPublicV6(address.getAddress());
    }

    /** Besides what InetAddress knows: 0/8, 100.64/10 (carrier-grade NAT), 192.0.0/24, 198.18/15, 240/4. */
    private static boolean isPublicV4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0 || first >= 240) {
            return false;
        }
        if (first == 100 && (second & 0xc0) == 64) {
            return false;
        }
        if (first == 192 && second == 0 && b[2] == 0) {
            return false;
        }
        return !(first == 198 && (second == 18 || second == 19));
    }

    /** Besides what InetAddress knows: fc00::/7 (unique local) and ::/96 (IPv4-compatible). */
    private static boolean isPublicV6(byte[] b) {
        if ((b[0] & 0xfe) == 0xfc) {
            return false;
        }
        for (int i = 0; i < 12; i++) {
            if (b[i] != 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLoopbackName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost")
                || literalAddress(host).map(InetAddress::isLoopbackAddress).orElse(false);
    }

    /** The host as an address when it is an IP literal; never a DNS lookup. */
    private static Optional<InetAddress> literalAddress(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean ipv4 = h.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        boolean ipv6 = h.contains(":") && h.matches("[0-9a-fA-F:.]+");
        if (!ipv4 && !ipv6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(h));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
