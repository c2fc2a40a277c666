package io.dekube.controllermanager.common;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** RFC 3339 timestamps as Kubernetes writes them ({@code 2026-01-01T00:00:00Z}). Stateless. */
public final class Times {

  private Times() {
  }

  /** The instant of a timestamp, or null when absent or malformed. */
  public static Instant parse(String ts) {
    if (ts == null || ts.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(ts);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A timestamp with second precision. */
  public static String format(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
