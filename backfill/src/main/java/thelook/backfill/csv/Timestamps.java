package thelook.backfill.csv;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * UTC timestamps as theLook exports write them (docs/marts.md section 1): {@code 2024-01-15 10:23:45 UTC},
 * with fractional seconds, with {@code +00:00}, or ISO {@code 2024-01-15T10:23:45Z}. A time without a zone
 * is read as UTC too; any other offset is refused rather than silently shifted.
 */
public final class Timestamps {
    private static final Pattern FORMAT = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[ T](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?\\s*(UTC|Z|[+-]00:?00)?");
    private static final DateTimeFormatter MART_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    /** Parses one timestamp; throws IllegalArgumentException with the reason. Precision is microseconds. */
    public static Instant parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a UTC timestamp: '" + text + "'");
        }
        try {
            // the fields straight from the match: a DateTimeFormatter per value was a tenth of a replay's planning
            LocalDate date = LocalDate.of(number(m, 1), number(m, 2), number(m, 3));
            LocalTime time = LocalTime.of(number(m, 4), number(m, 5), number(m, 6));
            long nanos = 0;
            if (m.group(7) != null) {
                String frac = (m.group(7) + "000000000").substring(0, 9);
                nanos = Long.parseLong(frac);
                if (nanos % 1000 != 0) {
                    throw new IllegalArgumentException("more than microsecond precision: '" + text + "'");
                }
            }
            return Instant.ofEpochSecond(date.toEpochDay() * 86_400 + time.toSecondOfDay(), nanos);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("not a valid date or time: '" + text + "'", e);
        }
    }

    private static int number(Matcher m, int group) {
        return Integer.parseInt(m.group(group));
    }

    /** The marts' output format: {@code YYYY-MM-DD HH:MM:SS.ffffff UTC}. */
    public static String format(Instant instant) {
        return MART_FORMAT.format(instant.truncatedTo(ChronoUnit.MICROS));
    }

}
