package io.dekube.kubelet.server;

import io.dekube.kubelet.runtime.CriLog;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * kube's {@code PodLogOptions} as the kubelet applies them to a container's log: the last
 * {@code tailLines} lines, entries since {@code sinceSeconds} ago or {@code sinceTime}, each prefixed
 * by its time with {@code timestamps}, at most {@code limitBytes} bytes. Pure.
 *
 * @param since null = from the start
 */
record LogOptions(boolean follow, boolean previous, Integer tailLines, Long limitBytes, boolean timestamps,
                  Instant since) {

  /** Reads the query parameters; a bad value is an {@link IllegalArgumentException} worded as kube's validation. */
  static LogOptions parse(Function<String, String> param, Instant now) {
    Long tail = number(param, "tailLines");
    Long limit = number(param, "limitBytes");
    Long sinceSeconds = number(param, "sinceSeconds");
    String sinceTime = param.apply("sinceTime");
    if (tail != null && tail < 0) {
      throw new IllegalArgumentException("tailLines: Invalid value: " + tail + ": must be greater than or equal to 0");
    }
    if (limit != null && limit < 1) {
      throw new IllegalArgumentException("limitBytes: Invalid value: " + limit + ": must be greater than 0");
    }
    if (sinceSeconds != null && sinceSeconds < 1) {
      throw new IllegalArgumentException("sinceSeconds: Invalid value: " + sinceSeconds + ": must be greater than 0");
    }
    boolean hasTime = sinceTime != null && !sinceTime.isEmpty();
    if (sinceSeconds != null && hasTime) {
      throw new IllegalArgumentException("at most one of `sinceTime` or `sinceSeconds` may be specified");
    }
    Instant since = null;
    if (sinceSeconds != null) {
      since = now.minusSeconds(sinceSeconds);
    } else if (hasTime) {
      try {
        since = Instant.parse(sinceTime);
      } catch (DateTimeParseException e) {
        try {
          since = java.time.OffsetDateTime.parse(sinceTime).toInstant();
        } catch (DateTimeParseException e2) {
          throw new IllegalArgumentException("sinceTime: Invalid value: \"" + sinceTime + "\": not an RFC3339 time");
        }
      }
    }
    return new LogOptions(flag(param, "follow"), flag(param, "previous"),
        tail == null ? null : (int) Math.min(Integer.MAX_VALUE, tail), limit, flag(param, "timestamps"), since);
  }

  /** The entries of the last {@code tailLines} lines (a line = its partial entries and the full one ending it). */
  List<CriLog.Entry> tail(List<CriLog.Entry> all) {
    if (tailLines == null) {
      return all;
    }
    int lines = 0;
    int from = all.size();
    for (int i = all.size() - 1; i >= 0; i--) {
      if (!all.get(i).partial() || i == all.size() - 1) { // an entry that ends a line (or the unfinished last one)
        if (lines == tailLines) {
          break;
        }
        lines++;
      }
      from = i;
    }
    return tailLines == 0 ? List.of() : new ArrayList<>(all.subList(from, all.size()));
  }

  /** The bytes to send for {@code entries}: those since {@code since}, with timestamps, cut at {@code budget}. */
  byte[] render(List<CriLog.Entry> entries, long budget) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (CriLog.Entry e : entries) {
      if (since != null && e.time().isBefore(since)) {
        continue;
      }
      byte[] b = e.output(timestamps);
      long room = budget - out.size();
      if (room <= 0) {
        break;
      }
      out.write(b, 0, (int) Math.min(b.length, room));
    }
    return out.toByteArray();
  }

  private static boolean flag(Function<String, String> param, String name) {
    String v = param.apply(name);
    return v != null && (v.equals("true") || v.equals("1"));
  }

  private static Long number(Function<String, String> param, String name) {
    String v = param.apply(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": Invalid value: \"" + v + "\": not a number");
    }
  }
}
