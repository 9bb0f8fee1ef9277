package dev.onramp.runtime.privacy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys this instance seals with, one per subject, remembered once the key's record is committed. Each instance
 * makes its own: two instances sealing the same session's data hold two keys, both named by the subject, so nothing
 * races to create "the" key, and an erasure deletes every key of the subject.
 */
public final class SubjectKeys {
    /**
     * Every request thread reads it on every webhook: a concurrent map, not a lock, and when full it starts over
     * (each session then gets one more key record) rather than keeping an access order that would need one.
     */
    private final Map<String, DataKey> bySubject = new ConcurrentHashMap<>();
    private final int remembered;

    /** @param remembered how many subjects' keys to hold; a subject forgotten gets a new key, which costs a record */
    public SubjectKeys(int remembered) {
        this.remembered = remembered;
    }

    /** The subject's key and whether it is new (its record must be written with what it seals). */
    public Issued keyFor(String subject) {
        DataKey known = bySubject.get(subject);
        return known != null ? new Issued(known, false) : new Issued(DataKey.generate(subject), true);
    }

    /** The key's record is committed: seal the subject's next records with it. */
    public void remember(DataKey key) {
        if (bySubject.size() >= remembered) {
            bySubject.clear();
        }
        bySubject.putIfAbsent(key.subject(), key);
    }

    /** The subject was erased: never seal with their old key again. */
    public void forget(String subject) {
        bySubject.remove(subject);
    }

    /** A subject's key as handed out, and whether it still has to be written. */
    public record Issued(DataKey key, boolean isNew) {
    }
}
