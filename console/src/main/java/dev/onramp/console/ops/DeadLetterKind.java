package dev.onramp.console.ops;

import java.util.Arrays;
import java.util.Optional;

import dev.onramp.schemas.Topic;
import dev.onramp.schemas.Topics;

/** The three places things are set aside, as the ops API names them. */
public enum DeadLetterKind {
    /** Verified webhooks ingest could not map: redriven by mapping them again. */
    WEBHOOKS("webhooks", Topics.WEBHOOKS_DLQ, true),
    /** Notifications given up on: redriven by one new attempt to the recipient's current address. */
    NOTIFICATIONS("notifications", Topics.NOTIFICATIONS_DLQ, true),
    /**
     * Records a Streams service could not read or process. Shown, not redriven: the bytes that failed would fail
     * again; the fix is a release that reads them, then a replay.
     */
    POISON("poison-records", Topics.POISON_RECORDS, false);

    private final String path;
    private final Topic<?> topic;
    private final boolean redrivable;

    DeadLetterKind(String path, Topic<?> topic, boolean redrivable) {
        this.path = path;
        this.topic = topic;
        this.redrivable = redrivable;
    }

    public String path() {
        return path;
    }

    public Topic<?> topic() {
        return topic;
    }

    public boolean redrivable() {
        return redrivable;
    }

    public static Optional<DeadLetterKind> ofTopic(String topic) {
        return Arrays.stream(values()).filter(k -> k.topic.name().equals(topic)).findFirst();
    }

    public static Optional<DeadLetterKind> ofPath(String path) {
        return Arrays.stream(values()).filter(k -> k.path.equals(path)).findFirst();
    }
}
