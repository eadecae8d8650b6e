package thelook.schemas;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Timestamps as Avro's timestamp-micros: epoch microseconds, null-safe both ways. */
public final class Micros {
    private Micros() {}

    public static Long of(Instant t) {
        return t == null ? null : Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    public static Instant toInstant(Long micros) {
        return micros == null ? null : Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
