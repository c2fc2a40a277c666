package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The filters a pipeline of the built-in shell ends in, as busybox has them: {@code grep [-i] [-v] [-c]
 * [-q] [-E] [-F] PATTERN}, {@code head [-n N|-N]}, {@code tail [-n N|-N]}, {@code wc [-l|-w|-c]},
 * {@code sort [-r] [-u]}, {@code uniq}, {@code tr} ({@link Tr}), {@code cut} ({@link Cut}), {@code sed}
 * ({@link Sed}), and {@code cat} of its input. Each reads the whole input (the output of the stage before). Pure.
 */
final class TextFilters {

  /** The filters offered. */
  static final List<String> NAMES = List.of("grep", "head", "tail", "wc", "sort", "uniq", "tr", "cut", "sed");
  /** Options of the filters that take a value, so that the value is not read as a file. */
  private static final List<String> VALUED = List.of("-n", "-c", "-e", "-m", "-A", "-B", "-C", "-k", "-t");

  private TextFilters() {
  }

  /** Whether {@code option} of filter {@code name} takes the next word as its value. */
  static boolean takesValue(String name, String option) {
    return switch (name) {
      case "sed" -> option.equals("-e") || option.equals("-f");
      case "cut" -> Cut.VALUED.contains(option);
      case "tr" -> false;
      default -> VALUED.contains(option);
    };
  }

  /** Runs filter {@code name} over {@code input}; its exit code. */
  static int run(String name, List<String> args, String input, ExecSession.Output out) {
    List<String> lines = input.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(input.split("\n", -1)));
    if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return switch (name) {
      case "grep" -> grep(args, lines, out);
      case "head" -> print(out, lines.subList(0, Math.min(lines.size(), count(args))));
      case "tail" -> print(out, lines.subList(Math.max(0, lines.size() - count(args)), lines.size()));
      case "wc" -> wc(args, input, lines, out);
      case "sort" -> {
        List<String> sorted = new ArrayList<>(args.contains("-u") ? lines.stream().distinct().toList() : lines);
        sorted.sort(args.contains("-r") ? java.util.Comparator.reverseOrder() : java.util.Comparator.naturalOrder());
        yield print(out, sorted);
      }
      case "tr" -> Tr.of(args, out).map(tr -> {
        out.stdout(Buffer.buffer(tr.apply(input)));
        return 0;
      }).orElse(1);
      case "cut" -> Cut.of(args, out).map(cut -> {
        List<String> kept = new ArrayList<>();
        lines.forEach(l -> {
          String c = cut.line(l);
          if (c != null) {
            kept.add(c);
          }
        });
        return print(out, kept);
      }).orElse(1);
      case "sed" -> Sed.of(args, out).map(sed -> {
        StringBuilder b = new StringBuilder();
        int code = sed.run(lines, b);
        out.stdout(Buffer.buffer(b.toString()));
        return code;
      }).orElse(1);
      case "uniq" -> {
        List<String> kept = new ArrayList<>();
        lines.forEach(l -> {
          if (kept.isEmpty() || !kept.get(kept.size() - 1).equals(l)) {
            kept.add(l);
          }
        });
        yield print(out, kept);
      }
      default -> {
        out.stdout(Buffer.buffer(input));
        yield 0;
      }
    };
  }

  private static int grep(List<String> args, List<String> lines, ExecSession.Output out) {
    String flags = "";
    String pattern = null;
    for (String a : args) {
      if (a.startsWith("-") && a.length() > 1 && pattern == null) {
        flags += a.substring(1);
      } else if (pattern == null) {
        pattern = a;
      }
    }
    if (pattern == null) {
      out.stderr(Buffer.buffer("Usage: grep [-icvqEF] PATTERN\n"));
      return 2;
    }
    Pattern p;
    try {
      String regex = flags.contains("F") ? Pattern.quote(pattern) : pattern;
      p = Pattern.compile(regex, flags.contains("i") ? Pattern.CASE_INSENSITIVE : 0);
    } catch (PatternSyntaxException e) {
      out.stderr(Buffer.buffer("grep: bad regex '" + pattern + "'\n"));
      return 2;
    }
    boolean invert = flags.contains("v");
    List<String> hits = lines.stream().filter(l -> p.matcher(l).find() != invert).toList();
    if (flags.contains("c")) {
      out.stdout(Buffer.buffer(hits.size() + "\n"));
    } else if (!flags.contains("q")) {
      print(out, hits);
    }
    return hits.isEmpty() ? 1 : 0;
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

  private static int count(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      try {
        if (a.equals("-n") && i + 1 < args.size()) {
          return Integer.parseInt(args.get(i + 1));
        }
        if (a.matches("-n?\\d+")) {
          return Integer.parseInt(a.replaceAll("\\D", ""));
        }
      } catch (NumberFormatException e) {
        return 10;
      }
    }
    return 10;
  }

  private static int print(ExecSession.Output out, List<String> lines) {
    StringBuilder b = new StringBuilder();
    lines.forEach(l -> b.append(l).append('\n'));
    out.stdout(Buffer.buffer(b.toString()));
    return 0;
  }
}
