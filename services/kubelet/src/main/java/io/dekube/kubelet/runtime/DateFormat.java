package io.dekube.kubelet.runtime;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * busybox's {@code date [-u] [+FORMAT]} in UTC (a container's clock): without a format {@code Sun Dec  6 10:30:00
 * UTC 2026}; a format's {@code %} fields as strftime reads them ({@code %Y %m %d %H %M %S %s %F %T %D %y %b %B %a %A
 * %e %j %p %Z %z %N %n %t %%}). Pure.
 */
final class DateFormat {

  private static final DateTimeFormatter DEFAULT = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy",
      Locale.ROOT);

  private DateFormat() {
  }

  /** What {@code date args} prints at {@code now}. */
  static String format(List<String> args, ZonedDateTime now) {
    String format = args.stream().filter(a -> a.startsWith("+")).findFirst().orElse(null);
    if (format == null) {
      return DEFAULT.format(now);
    }
    StringBuilder b = new StringBuilder();
    String f = format.substring(1);
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c != '%' || i + 1 >= f.length()) {
        b.append(c);
        continue;
      }
      b.append(field(f.charAt(++i), now));
    }
    return b.toString();
  }

  private static String field(char c, ZonedDateTime t) {
    return switch (c) {
      case 'Y' -> Integer.toString(t.getYear());
      case 'y' -> two(t.getYear() % 100);
      case 'm' -> two(t.getMonthValue());
      case 'd' -> two(t.getDayOfMonth());
      case 'e' -> String.format(Locale.ROOT, "%2d", t.getDayOfMonth());
      case 'H' -> two(t.getHour());
      case 'M' -> two(t.getMinute());
      case 'S' -> two(t.getSecond());
      case 'N' -> String.format(Locale.ROOT, "%09d", t.getNano());
      case 's' -> Long.toString(t.toEpochSecond());
      case 'F' -> t.getYear() + "-" + two(t.getMonthValue()) + "-" + two(t.getDayOfMonth());
      case 'T' -> two(t.getHour()) + ":" + two(t.getMinute()) + ":" + two(t.getSecond());
      case 'D' -> two(t.getMonthValue()) + "/" + two(t.getDayOfMonth()) + "/" + two(t.getYear() % 100);
      case 'b', 'h' -> DateTimeFormatter.ofPattern("MMM", Locale.ROOT).format(t);
      case 'B' -> DateTimeFormatter.ofPattern("MMMM", Locale.ROOT).format(t);
      case 'a' -> DateTimeFormatter.ofPattern("EEE", Locale.ROOT).format(t);
      case 'A' -> DateTimeFormatter.ofPattern("EEEE", Locale.ROOT).format(t);
      case 'j' -> String.format(Locale.ROOT, "%03d", t.getDayOfYear());
      case 'p' -> t.getHour() < 12 ? "AM" : "PM";
      case 'Z' -> "UTC";
      case 'z' -> "+0000";
      case 'n' -> "\n";
      case 't' -> "\t";
      case '%' -> "%";
      default -> "%" + c;
    };
  }

  private static String two(int n) {
    return String.format(Locale.ROOT, "%02d", n);
  }
}
