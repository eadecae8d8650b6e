package thelook.schemas.registry;

import java.util.Locale;

/** The Confluent compatibility levels. This project sets its own subjects to {@link #BACKWARD}. */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    public static CompatibilityLevel parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown compatibility level '" + text + "'; expected one of "
                    + java.util.Arrays.toString(values()), e);
        }
    }

    /** Whether a new schema must be able to read data written with the older ones. */
    public boolean newReadsOld() {
        return this != NONE && !name().startsWith("FORWARD");
    }

    /** Whether the older schemas must be able to read data written with a new one. */
    boolean oldReadsNew() {
        return this != NONE && !name().startsWith("BACKWARD");
    }

    /** Whether every earlier version counts, or only the latest. */
    boolean transitive() {
        return name().endsWith("_TRANSITIVE");
    }
}
