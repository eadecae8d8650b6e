package thelook.backfill.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2024-01-15 10:23:45 UTC|2024-01-15T10:23:45Z",
        "2024-01-15 10:23:45.123456 UTC|2024-01-15T10:23:45.123456Z",
        "2024-01-15 10:23:45+00:00|2024-01-15T10:23:45Z",
        "2024-01-15T10:23:45Z|2024-01-15T10:23:45Z",
        "2024-01-15T10:23:45.5Z|2024-01-15T10:23:45.500Z",
        "2024-01-15 10:23:45|2024-01-15T10:23:45Z",
        "1969-12-31 23:59:59.999999 UTC|1969-12-31T23:59:59.999999Z",
        "2024-02-29 23:59:59 UTC|2024-02-29T23:59:59Z"})
    void readsTheSpecFormats(String text, String expected) {
        assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-01-15", "yesterday", "2024-13-01 00:00:00 UTC", "2024-01-15 10:23:45+02:00",
        "2024-01-15 10:23:45.1234567 UTC", "2023-02-29 00:00:00 UTC", "2024-01-15 24:00:00 UTC", "2024-01-15 10:60:00 UTC"})
    void refusesWhatIsNotAUtcTimestampOfMicrosecondPrecision(String text) {
        assertThatThrownBy(() -> Timestamps.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-01-15T10:23:45.000001Z", "2019-01-01T00:00:00Z"})
    void formatsForTheMarts(String instant) {
        assertThat(Timestamps.parse(Timestamps.format(Instant.parse(instant)))).isEqualTo(Instant.parse(instant));
        assertThat(Timestamps.format(Instant.parse("2024-01-15T10:23:45.000001Z"))).isEqualTo("2024-01-15 10:23:45.000001 UTC");
    }
}
