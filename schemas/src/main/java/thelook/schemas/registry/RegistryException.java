package thelook.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A refusal by the registry (a 4xx), with its HTTP status, its error code (40401 subject not found,
 * 40403 schema not found, 409 incompatible, 42201 invalid schema, ...) and its message.
 */
public class RegistryException extends SerializationException {
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE = 409;
    public static final int INVALID_SCHEMA = 42201;

    private final int status;
    private final int errorCode;

    public RegistryException(String where, int status, int errorCode, String message) {
        super(where + ": " + message + " (HTTP " + status + ", error code " + errorCode + ")");
        this.status = status;
        this.errorCode = errorCode;
    }

    protected RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.errorCode = -1;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** A 404 from the registry (never true of {@link RegistryUnavailableException}, which has no status). */
    public boolean notFound() {
        return status == 404;
    }
}
