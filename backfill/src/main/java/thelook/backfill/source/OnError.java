package thelook.backfill.source;

/** What a malformed CSV row does: stop everything before anything is produced, or be counted and left out. */
public enum OnError {
    FAIL,
    SKIP
}
