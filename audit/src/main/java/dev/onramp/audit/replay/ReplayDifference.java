package dev.onramp.audit.replay;

/** One session whose replayed state or outcome differs from production's. */
public record ReplayDifference(String sessionId, String what, String live, String replayed) {
    @Override
    public String toString() {
        return sessionId + "  " + what + ": live=" + live + " replay=" + replayed;
    }
}
