package dev.onramp.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class Sha256Test {
    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    @Test
    void theDigestIsFipsSha256OfTheUtf8Bytes() {
        // FIPS 180-2 test vectors; the text form hashes UTF-8, so "é" is two bytes.
        assertThat(hex(Sha256.of(""))).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(hex(Sha256.of("abc"))).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Sha256.of("é")).isEqualTo(Sha256.of(new byte[] {(byte) 0xC3, (byte) 0xA9}));
    }

    @Test
    void threadsHashingAtOnceEachGetTheirOwnAnswer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> checks = IntStream.range(0, 400)
                    .mapToObj(i -> pool.submit(() -> {
                        String text = "session-" + i;
                        return hex(Sha256.of(text)).equals(hex(Sha256.of(text.getBytes(StandardCharsets.UTF_8))))
                                && !hex(Sha256.of(text)).equals(hex(Sha256.of(text + "x")));
                    }))
                    .toList();
            for (Future<Boolean> check : checks) {
                assertThat(check.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
