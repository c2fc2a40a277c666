package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * busybox's {@code cut -f LIST [-d DELIM] [-s]} and {@code cut -c LIST} / {@code -b LIST}: each line's fields (tab
 * separated unless {@code -d} names another character; a line without the delimiter is printed whole unless
 * {@code -s}) or characters, in the order of the line, for a LIST of {@code N}, {@code N-M}, {@code N-} and
 * {@code -M} separated by commas. Pure: one instance per command, a line at a time ({@link #line}).
 */
final class Cut {

  /** Options whose value may be the next word. */
  static final List<String> VALUED = List.of("-d", "-f", "-c", "-b");

  private final boolean fields;
  private final char delimiter;
  private final boolean onlyDelimited;
  private final List<int[]> ranges;

  private Cut(boolean fields, char delimiter, boolean onlyDelimited, List<int[]> ranges) {
    this.fields = fields;
    this.delimiter = delimiter;
    this.onlyDelimited = onlyDelimited;
    this.ranges = ranges;
  }

  /** The command for its options (file operands removed), or empty after its error went to stderr. */
  static Optional<Cut> of(List<String> options, ExecSession.Output out) {
    String list = null;
    boolean fields = false;
    String delimiter = "\t";
    boolean onlyDelimited = false;
    for (int i = 0; i < options.size(); i++) {
      String a = options.get(i);
      if (a.equals("-s")) {
        onlyDelimited = true;
        continue;
      }
      if (a.equals("-n")) {
        continue; // busybox ignores -n
      }
      String flag = a.length() >= 2 ? a.substring(0, 2) : a;
      if (!VALUED.contains(flag)) {
        return fail(out, "cut: unrecognized option '" + a + "'");
      }
      String value = a.length() > 2 ? a.substring(2) : i + 1 < options.size() ? options.get(++i) : null;
      if (flag.equals("-d")) {
        delimiter = value == null ? "" : value;
      } else {
        list = value;
        fields = flag.equals("-f");
      }
    }
    if (list == null) {
      return fail(out, "cut: expected a list of bytes, characters, or fields");
    }
    if (delimiter.length() != 1) {
      return fail(out, "cut: the delimiter must be a single character");
    }
    List<int[]> ranges = new ArrayList<>();
    for (String part : list.split(",")) {
      int[] r = range(part);
      if (r == null) {
        return fail(out, "cut: invalid range '" + part + "'"); // busybox: "invalid byte or field list"
      }
      ranges.add(r);
    }
    return Optional.of(new Cut(fields, delimiter.charAt(0), onlyDelimited, ranges));
  }

  /** The output line for an input line, or null when {@code -s} drops it. */
  String line(String line) {
    if (!fields) {
      StringBuilder b = new StringBuilder();
      for (int i = 1; i <= line.length(); i++) {
        if (selected(i)) {
          b.append(line.charAt(i - 1));
        }
      }
      return b.toString();
    }
    if (line.indexOf(delimiter) < 0) {
      return onlyDelimited ? null : line;
    }
    String[] parts = line.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1);
    StringBuilder b = new StringBuilder();
    boolean first = true;
    for (int i = 1; i <= parts.length; i++) {
      if (selected(i)) {
        if (!first) {
          b.append(delimiter);
        }
        b.append(parts[i - 1]);
        first = false;
      }
    }
    return b.toString();
  }

  private boolean selected(int position) {
    return ranges.stream().anyMatch(r -> position >= r[0] && position <= r[1]);
  }

  private static int[] range(String part) {
    try {
      int dash = part.indexOf('-');
      if (dash < 0) {
        int n = Integer.parseInt(part);
        return n >= 1 ? new int[] {n, n} : null;
      }
      int from = dash == 0 ? 1 : Integer.parseInt(part.substring(0, dash));
      int to = dash == part.length() - 1 ? Integer.MAX_VALUE : Integer.parseInt(part.substring(dash + 1));
      return from >= 1 && from <= to ? new int[] {from, to} : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Optional<Cut> fail(ExecSession.Output out, String message) {
    out.stderr(Buffer.buffer(message + "\n"));
    return Optional.empty();
  }
}
