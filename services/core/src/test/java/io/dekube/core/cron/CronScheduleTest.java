package io.dekube.core.cron;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {

  @ParameterizedTest(name = "{0} after {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "*/5 * * * *      | 2026-01-01T00:03:10Z | 2026-01-01T00:05:00Z",
      "* * * * *        | 2026-01-01T00:03:00Z | 2026-01-01T00:04:00Z",
      "0 * * * *        | 2026-01-01T00:03:00Z | 2026-01-01T01:00:00Z",
      "@hourly          | 2026-01-01T00:00:00Z | 2026-01-01T01:00:00Z",
      "30 2 * * MON-FRI | 2026-01-02T03:00:00Z | 2026-01-05T02:30:00Z",
      "0 0 1 JAN *      | 2026-01-01T00:00:00Z | 2027-01-01T00:00:00Z",
      "0 0 13 * 5       | 2026-01-01T00:00:00Z | 2026-01-02T00:00:00Z",
      "15,45 8-9 * * *  | 2026-01-01T08:20:00Z | 2026-01-01T08:45:00Z",
      "0 0 * * 7        | 2026-01-01T00:00:00Z | 2026-01-04T00:00:00Z"})
  void next(String spec, String after, String expected) {
    assertEquals(ZonedDateTime.parse(expected).toInstant(), CronSchedule.parse(spec.trim())
        .next(ZonedDateTime.parse(after.trim()), ZoneOffset.UTC).toInstant());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"* * * *", "61 * * * *", "TZ=UTC * * * * *", "@often", "x * * * *"})
  void refuses(String spec) {
    assertThrows(IllegalArgumentException.class, () -> CronSchedule.parse(spec));
  }

  @ParameterizedTest
  @CsvSource({"Europe/Berlin, 2026-06-01T00:30:00Z, 2026-06-02T02:00:00+02:00"})
  void inATimeZone(String zone, String after, String expected) {
    assertEquals(ZonedDateTime.parse(expected).toInstant(), CronSchedule.parse("0 2 * * *")
        .next(ZonedDateTime.parse(after), ZoneId.of(zone)).toInstant());
  }
}
