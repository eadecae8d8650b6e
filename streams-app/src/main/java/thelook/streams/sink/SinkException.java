package thelook.streams.sink;

/** A failure of the target that retrying will not fix; its message says what to do. */
public class SinkException extends RuntimeException {
    public SinkException(String message, Throwable cause) {
        super(message, cause);
    }

    public SinkException(String message) {
        super(message);
    }
}
