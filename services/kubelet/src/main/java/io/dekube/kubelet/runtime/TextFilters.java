package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text filters of busybox over a whole text (files named as operands, or all of a pipe's input):
 * {@code tail [-n N|-N]}, {@code wc [-l|-w|-c]}, {@code sort [-r] [-u] [-n]}, {@code tr} ({@link Tr}),
 * {@code cat}, and those of {@link LineFilters} ({@code grep}, {@code head}, {@code uniq}, {@code cut}, {@code sed})
 * line after line; {@code awk} is named here for the applet list and its options, and runs as {@link AwkApplet} or
 * as a stream's {@link LineFilters#awk}, its program parsed once. Pure.
 */
final class TextFilters {

  /** The filters offered. */
  static final List<String> NAMES = List.of("grep", "head", "tail", "wc", "sort", "uniq", "tr", "cut", "rev", "sed",
      "awk");
  private TextFilters() {
  }

  /** Whether {@code option} of filter {@code name} takes the next word as its value (so it is not read as a file). */
  static boolean takesValue(String name, String option) {
    return switch (name) {
      case "sed" -> option.equals("-e") || option.equals("-f");
      case "cut" -> Cut.VALUED.contains(option);
      case "awk" -> io.dekube.kubelet.runtime.awk.Awk.VALUED.contains(option);
      // grep's -c and -n count and number lines, sort's -n sorts numerically, uniq's -c counts: flags there
      case "grep" -> List.of("-e", "-f", "-m", "-A", "-B", "-C").contains(option);
      case "head", "tail" -> option.equals("-n") || option.equals("-c");
      case "sort" -> List.of("-k", "-t", "-o").contains(option);
      case "uniq" -> List.of("-f", "-s", "-w").contains(option);
      default -> false; // tr, wc, rev, cat
    };
  }

  /** Runs filter {@code name} over {@code input}; its exit code. */
  static int run(String name, List<String> args, String input, ExecSession.Output out) {
    List<String> lines = input.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(input.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return switch (name) {
      case "grep", "head", "uniq", "cut", "rev", "sed" -> lines(name, args, lines, out);
      case "tail" -> print(out, tail(args, lines));
      case "wc" -> wc(args, input, lines, out);
      case "sort" -> print(out, sort(String.join("", args.stream().filter(a -> a.startsWith("-")).toList()), lines));
      case "tr" -> Tr.of(args, out).map(tr -> {
        out.stdout(Buffer.buffer(tr.apply(input)));
        return 0;
      }).orElse(1);
      default -> {
        out.stdout(Buffer.buffer(input));
        yield 0;
      }
    };
  }

  /** Runs a filter of {@link LineFilters} over {@code lines}. */
  private static int lines(String name, List<String> args, List<String> lines, ExecSession.Output out) {
    LineFilters.LineFilter f;
    try {
      f = LineFilters.of(name, args, out);
    } catch (LineFilters.Usage e) {
      return e.printed(out);
    }
    StringBuilder b = new StringBuilder();
    for (String l : lines) {
      if (!f.line(l, b::append)) {
        break;
      }
    }
    int code = f.end(b::append);
    out.stdout(Buffer.buffer(b.toString()));
    return code;
  }

  /** {@code sort}: {@code -n} by the number a line starts with, {@code -r} reversed, {@code -u} once each. */
  private static List<String> sort(String flags, List<String> lines) {
    java.util.Comparator<String> order = java.util.Comparator.naturalOrder();
    if (flags.contains("n")) {
      order = java.util.Comparator.comparingDouble(TextFilters::leadingNumber).thenComparing(order);
    }
    List<String> sorted = new ArrayList<>(flags.contains("u") ? lines.stream().distinct().toList() : lines);
    sorted.sort(flags.contains("r") ? order.reversed() : order);
    return sorted;
  }

  private static double leadingNumber(String line) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(-?\\d+(\\.\\d+)?)").matcher(line);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static int wc(List<String> args, String input, List<String> lines, ExecSession.Output out) {
    long newlines = input.chars().filter(c -> c == '\n').count();
    long words = input.isBlank() ? 0 : input.trim().split("\\s+").length;
    long bytes = input.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    String text;
    if (args.contains("-l")) {
      text = Long.toString(newlines);
    } else if (args.contains("-w")) {
      text = Long.toString(words);
    } else if (args.contains("-c")) {
      text = Long.toString(bytes);
    } else {
      text = String.format(Locale.ROOT, "%9d %9d %9d", newlines, words, bytes);
    }
    out.stdout(Buffer.buffer(text + "\n"));
    return 0;
  }

  static int count(List<String> args) {
    String n = countWord(args);
    try {
      return n == null ? 10 : Integer.parseInt(n.startsWith("+") ? n.substring(1) : n);
    } catch (NumberFormatException e) {
      return 10;
    }
  }

  /** The count of {@code head}/{@code tail} as written: {@code -n 5}, {@code -n5}, {@code -5}, {@code -n +2}; null. */
  static String countWord(List<String> args) {
    String n = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-n") && i + 1 < args.size()) {
        n = args.get(++i);
      } else if (a.matches("-n[+-]?\\d+")) {
        n = a.substring(2);
      } else if (a.matches("-\\d+")) {
        n = a.substring(1);
      }
    }
    return n;
  }

  /** {@code tail -n N}: the last N lines; {@code tail -n +N}: from line N on. */
  private static List<String> tail(List<String> args, List<String> lines) {
    String n = countWord(args);
    int k = count(args);
    return n != null && n.startsWith("+") ? lines.subList(Math.min(lines.size(), Math.max(0, k - 1)), lines.size())
        : lines.subList(Math.max(0, lines.size() - k), lines.size());
  }

  private static int print(ExecSession.Output out, List<String> lines) {
    StringBuilder b = new StringBuilder();
    lines.forEach(l -> b.append(l).append('\n'));
    out.stdout(Buffer.buffer(b.toString()));
    return 0;
  }
}
