package dev.onramp.console;

import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import dev.onramp.runtime.PlatformKeys;
import dev.onramp.schemas.Sha256;

/**
 * The admin keys, and the id each is known by in the audit trail: {@code adm_} and the first 8 hex digits of its
 * SHA-256. The id says which key acted (and which to revoke) without revealing it.
 */
public final class AdminKeys {
    private final PlatformKeys keys;

    public AdminKeys(List<String> keys) {
        this.keys = PlatformKeys.of(keys);
    }

    /** The key's id when it is one of ours (compared in constant time), empty otherwise. */
    public Optional<String> idOf(String presented) {
        return presented != null && keys.accepts(presented) ? Optional.of(idFor(presented)) : Optional.empty();
    }

    static String idFor(String key) {
        return "adm_" + HexFormat.of().formatHex(Sha256.of(key.trim()), 0, 4);
    }
}
