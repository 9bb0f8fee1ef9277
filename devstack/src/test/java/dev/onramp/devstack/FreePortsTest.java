package dev.onramp.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void picksDistinctBindablePortsBelowTheEphemeralRange() throws IOException {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralStart = Files.exists(range) ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 32_768;
        Set<Integer> picked = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.pick();
            assertThat(picked.add(port)).as("port %d handed out twice", port).isTrue();
            assertThat(port).isBetween(10_000, ephemeralStart - 1);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aPortInUseIsNotFree() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(FreePorts.isFree(socket.getLocalPort())).isFalse();
            assertThat(FreePorts.preferred(socket.getLocalPort())).isNotEqualTo(socket.getLocalPort());
        }
    }

    @Test
    void aPortAnotherJvmPickedIsNotHandedOutUntilThatJvmIsGone() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, PicksAndWaits.class.getName()).redirectErrorStream(true).start();
        List<Integer> theirs = new ArrayList<>();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null && !line.equals("done"); line = lines.readLine()) {
                if (line.matches("\\d+")) {
                    theirs.add(Integer.parseInt(line));
                }
            }
            assertThat(theirs).hasSize(PicksAndWaits.COUNT);
            assertThat(theirs).allMatch(port -> !FreePorts.claim(port));
        } finally {
            other.destroyForcibly();
            assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // Killed, not closed: the operating system released its claims.
        assertThat(theirs).allMatch(FreePorts::claim);
    }

    /** Another JVM: picks ports, prints them, and holds them until killed. */
    public static final class PicksAndWaits {
        static final int COUNT = 20;

        public static void main(String[] args) throws InterruptedException {
            for (int i = 0; i < COUNT; i++) {
                System.out.println(FreePorts.pick());
            }
            System.out.println("done");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
