package thelook.streams.flow;

/** A record the topology cannot use (no key, a non-finite number); it goes to the DLQ and processing goes on. */
public class BadRecordException extends IllegalArgumentException {
    public BadRecordException(String message) {
        super(message);
    }
}
