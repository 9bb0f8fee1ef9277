package dev.onramp.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** The registry could not be reached, or refused a call; {@link #httpStatus()} is -1 when it never answered. */
public final class SchemaRegistryException extends SerializationException {
    private final int httpStatus;

    public SchemaRegistryException(String message) {
        this(-1, message);
    }

    public SchemaRegistryException(int httpStatus, String message) {
        super(message);
        this.httpStatus = httpStatus;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = -1;
    }

    public SchemaRegistryException(int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** 409: a schema incompatible with the registered versions, or (the same answer) something that already exists. */
    public boolean isConflict() {
        return httpStatus == 409;
    }
}
