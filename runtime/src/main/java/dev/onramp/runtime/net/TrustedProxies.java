package dev.onramp.runtime.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import dev.onramp.runtime.Env;
import io.javalin.http.Context;
import org.eclipse.jetty.util.InetAddressSet;

/**
 * Which client a request comes from, when it may have passed through proxies (a TLS terminator, a load balancer):
 * {@code TRUSTED_PROXIES}, comma-separated addresses or CIDR ranges ({@code 10.0.0.0/8, fd00::/8}), default none.
 *
 * <p>A request whose peer is not a trusted proxy comes from its peer, whatever {@code X-Forwarded-For} it claims. A
 * request from a trusted proxy comes from the last address in {@code X-Forwarded-For} that is not itself a trusted
 * proxy, read from the right: each proxy appends the address that connected to it, so entries left of the first
 * untrusted one were written by the client and prove nothing. Jetty's own forwarded-header support is not used: it
 * believes the header from any peer.
 */
public final class TrustedProxies {
    static final String FORWARDED_FOR = "X-Forwarded-For";

    private final InetAddressSet proxies = new InetAddressSet();
    private final List<String> ranges;

    private TrustedProxies(List<String> ranges) {
        this.ranges = List.copyOf(ranges);
        for (String range : ranges) {
            int slash = range.indexOf('/');
            String address = slash < 0 ? range : range.substring(0, slash);
            boolean validBits = slash < 0 || range.substring(slash + 1).matches("[0-9]{1,3}");
            if (IpLiteral.parse(address).isEmpty() || !validBits) {
                throw new IllegalArgumentException("TRUSTED_PROXIES takes IP addresses and CIDR ranges (10.0.0.0/8), not '" + range + "'");
            }
            proxies.add(range);
        }
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    public static TrustedProxies of(List<String> ranges) {
        return new TrustedProxies(ranges.stream().map(String::trim).filter(r -> !r.isEmpty()).toList());
    }

    public static TrustedProxies fromEnv(Env env) {
        return of(List.of(env.string("TRUSTED_PROXIES", "").split(",")));
    }

    /** The address of the client this request comes from, as text. */
    public String clientOf(Context ctx) {
        List<String> forwarded = ctx.req().getHeaders(FORWARDED_FOR) == null ? List.of()
                : Collections.list(ctx.req().getHeaders(FORWARDED_FOR));
        return clientOf(ctx.req().getRemoteAddr(), forwarded);
    }

    String clientOf(String peer, List<String> forwardedForHeaders) {
        Optional<InetAddress> hop = IpLiteral.parse(peer);
        if (hop.isEmpty() || !proxies.test(hop.get())) {
            return peer;
        }
        List<String> entries = new ArrayList<>();
        for (String header : forwardedForHeaders) {
            for (String entry : header.split(",")) {
                entries.add(entry.trim());
            }
        }
        String client = hop.get().getHostAddress();
        for (int i = entries.size() - 1; i >= 0; i--) {
            Optional<InetAddress> previous = IpLiteral.parse(entries.get(i));
            if (previous.isEmpty()) {
                // Not an address: not written by a proxy of ours; the last hop we can vouch for is the client.
                return client;
            }
            client = previous.get().getHostAddress();
            if (!proxies.test(previous.get())) {
                return client;
            }
        }
        return client;
    }

    @Override
    public String toString() {
        return ranges.isEmpty() ? "none" : String.join(",", ranges);
    }
}
