package io.dekube.core.cron;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A standard five-field cron schedule as CronJobs use it (robfig/cron's standard parser): minute,
 * hour, day of month, month (1-12 or JAN-DEC), day of week (0-6 or SUN-SAT, 7 = Sunday), each
 * {@code *}, {@code ?}, {@code a}, {@code a-b}, with {@code /step}, comma lists; the descriptors
 * {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}; a leading {@code TZ=} or
 * {@code CRON_TZ=} is refused (kube wants {@code spec.timeZone}). When both day fields are
 * restricted a day matches either. Immutable; thread-safe.
 */
public final class CronSchedule {

  private static final Map<String, String> DESCRIPTORS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
      "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
      "@hourly", "0 * * * *");
  private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP",
      "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet doms;
  private final BitSet months;
  private final BitSet dows;
  private final boolean domStar;
  private final boolean dowStar;

  private CronSchedule(String[] f) {
    minutes = field(f[0], 0, 59, List.of(), 0);
    hours = field(f[1], 0, 23, List.of(), 0);
    doms = field(f[2], 1, 31, List.of(), 0);
    months = field(f[3], 1, 12, MONTHS, 1);
    BitSet d = field(f[4], 0, 7, DAYS, 0);
    if (d.get(7)) {
      d.set(0);
    }
    dows = d;
    domStar = f[2].startsWith("*") || f[2].equals("?");
    dowStar = f[4].startsWith("*") || f[4].equals("?");
  }

  /** Parses a schedule; throws {@link IllegalArgumentException} saying what is wrong. */
  public static CronSchedule parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty spec string");
    }
    String s = spec.trim();
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      throw new IllegalArgumentException("cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
    }
    if (s.startsWith("@")) {
      String d = DESCRIPTORS.get(s.toLowerCase(Locale.ROOT));
      if (d == null) {
        throw new IllegalArgumentException("unrecognized descriptor: " + s);
      }
      s = d;
    }
    String[] f = s.split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException("expected exactly 5 fields, found " + f.length + ": " + s);
    }
    return new CronSchedule(f);
  }

  private static BitSet field(String expr, int min, int max, List<String> names, int nameBase) {
    BitSet bits = new BitSet();
    for (String part : expr.split(",")) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), List.of(), 0);
        if (step <= 0) {
          throw new IllegalArgumentException("step of range should be a positive number: " + part);
        }
      }
      int lo;
      int hi;
      if (range.equals("*") || range.equals("?")) {
        lo = min;
        hi = max;
      } else {
        int dash = range.indexOf('-');
        lo = number(dash < 0 ? range : range.substring(0, dash), names, nameBase);
        hi = dash < 0 ? (slash >= 0 ? max : lo) : number(range.substring(dash + 1), names, nameBase);
      }
      if (lo < min || hi > max || lo > hi) {
        throw new IllegalArgumentException("end of range (" + hi + ") above maximum (" + max + "): " + part);
      }
      for (int i = lo; i <= hi; i += step) {
        bits.set(i);
      }
    }
    return bits;
  }

  private static int number(String s, List<String> names, int base) {
    int i = names.indexOf(s.toUpperCase(Locale.ROOT));
    if (i >= 0) {
      return i + base;
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("failed to parse int from " + s + ": strconv.Atoi: parsing \"" + s
          + "\": invalid syntax");
    }
  }

  /** Whether the schedule fires at this minute. */
  public boolean matches(ZonedDateTime t) {
    if (!minutes.get(t.getMinute()) || !hours.get(t.getHour()) || !months.get(t.getMonthValue())) {
      return false;
    }
    return dayMatches(t);
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = doms.get(t.getDayOfMonth());
    boolean dow = dows.get(t.getDayOfWeek().getValue() % 7);
    return domStar || dowStar ? dom && dow : dom || dow;
  }

  /** The first time strictly after {@code after} the schedule fires, in {@code zone}; null within five years none. */
  public ZonedDateTime next(ZonedDateTime after, ZoneId zone) {
    ZonedDateTime t = after.withZoneSameInstant(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime limit = t.plusYears(5);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return t;
      }
    }
    return null;
  }
}
