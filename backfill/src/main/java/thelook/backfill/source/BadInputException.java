package thelook.backfill.source;

/** Input that cannot be read as docs/marts.md (section 1) defines it; the message names the file, line and column. */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
