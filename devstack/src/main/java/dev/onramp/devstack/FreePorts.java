package dev.onramp.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds loopback ports that nobody listens on, so a test never assumes 9092 is ours.
 *
 * <p>A port is picked now and bound later, often by a child JVM seconds later. A port from the kernel's ephemeral
 * range can be taken in between as the source port of any outgoing connection (a Kafka client retrying a node that
 * is not up yet is enough), and the node then fails with "Address already in use". So the pick comes from below that
 * range, at random, never the same port twice in this JVM, and never one that another running JVM picked: each pick
 * holds a lock on a file named for the port (in {@code java.io.tmpdir}/onramp-ports) until this JVM exits, so test
 * JVMs run side by side, and several {@code onramp dev}s, cannot be handed the same port. The operating system drops
 * the lock when the JVM ends, however it ends.
 */
public final class FreePorts {
    private static final int LOWEST = 10_000;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int HIGHEST = ephemeralRangeStart() - 1;
    private static final Path CLAIMS = Path.of(System.getProperty("java.io.tmpdir"), "onramp-ports");
    /** The locks this JVM holds: referenced so they are never collected (and released) before it exits. */
    private static final Set<FileLock> HELD = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int pick() {
        for (int attempt = 0; HIGHEST > LOWEST && attempt < 500; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
            if (HANDED_OUT.add(port) && claim(port) && isFree(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    /** {@code port} when it is free, a free one otherwise. */
    public static int preferred(int port) {
        return isFree(port) ? port : pick();
    }

    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when no other running JVM has picked {@code port}; it is then this JVM's until it exits. */
    static boolean claim(int port) {
        try {
            Files.createDirectories(CLAIMS);
            FileChannel channel = FileChannel.open(CLAIMS.resolve(Integer.toString(port)), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return false;
            }
            HELD.add(lock);
            return true;
        } catch (IOException | OverlappingFileLockException e) {
            // No place for claims (a read-only temp directory): the bind check alone still applies.
            return !(e instanceof OverlappingFileLockException);
        }
    }

    /**
     * Linux says where its range starts (read by lines: a /proc file reports size 0); 32768 is Linux's default and
     * below the IANA range other systems use.
     */
    private static int ephemeralRangeStart() {
        try {
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
