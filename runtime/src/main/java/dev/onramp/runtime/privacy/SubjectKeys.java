package dev.onramp.runtime.privacy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The keys this instance seals with, one per subject, remembered once the key's record is committed. Each instance
 * makes its own: two instances sealing the same session's data hold two keys, both named by the subject, so nothing
 * races to create "the" key, and an erasure deletes every key of the subject.
 */
public final class SubjectKeys {
    private final Map<String, DataKey> bySubject;

    /** @param remembered how many subjects' keys to hold; a subject forgotten gets a new key, which costs a record */
    public SubjectKeys(int remembered) {
        this.bySubject = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DataKey> eldest) {
                return size() > remembered;
            }
        });
    }

    /** The subject's key and whether it is new (its record must be written with what it seals). */
    public Issued keyFor(String subject) {
        DataKey known = bySubject.get(subject);
        return known != null ? new Issued(known, false) : new Issued(DataKey.generate(subject), true);
    }

    /** The key's record is committed: seal the subject's next records with it. */
    public void remember(DataKey key) {
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
