package thelook.schemas.registry;

/**
 * No registry answered usefully (connection failures, time-outs or 5xx on every URL) after the
 * configured retries. Unlike a {@link RegistryException} refusal this says nothing about the record
 * being processed, so the topology must not send that record to the DLQ: it waits and retries.
 */
public class RegistryUnavailableException extends RegistryException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
