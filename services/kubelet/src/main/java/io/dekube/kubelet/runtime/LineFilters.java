package io.dekube.kubelet.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The filters that busybox runs a line at a time, printing as they go: {@code grep [-icvqnEFo] PATTERN|-e PATTERN...}
 * (a line matches any of the patterns, or of the lines of one),
 * {@code head [-n N|-N|-c N]}, {@code uniq [-c|-d|-u]}, {@code cut} ({@link Cut}), {@code rev}, {@code awk}
 * ({@link io.dekube.kubelet.runtime.awk.Awk}: BEGIN before the first line, END at the end of input), {@code sed}
 * ({@link Sed}: a line is printed once the next one came, as sed must know the last). Each is made for
 * one run and fed its input's lines, whether from a pipe as they come ({@link StreamFilters}) or from files
 * ({@link TextFilters}). Pure; not thread-safe.
 */
final class LineFilters {

  /** The filters made here. */
  static final List<String> NAMES = List.of("grep", "head", "uniq", "cut", "rev", "awk", "sed");

  /** A filter: lines in, text out, then a status at the end of input. */
  interface LineFilter {
    /** Takes one line (without its newline); false when it wants no more (head has its lines). */
    boolean line(String line, Consumer<String> print);

    /** The input ended (or the filter wanted no more): what is left to print; the exit code. */
    int end(Consumer<String> print);
  }

  /** Wrong arguments: the message for stderr (null: already printed) and busybox's exit code. */
  static final class Usage extends Exception {
    final int code;

    Usage(String message, int code) {
      super(message, null, false, false);
      this.code = code;
    }

    /** Prints the message to {@code out}'s stderr; the exit code. */
    int printed(ExecSession.Output out) {
      if (getMessage() != null) {
        out.stderr(io.vertx.core.buffer.Buffer.buffer(getMessage() + "\n"));
      }
      return code;
    }
  }

  private LineFilters() {
  }

  /** Filter {@code name} with its options ({@code args} without file operands); {@code out} for cut's errors. */
  static LineFilter of(String name, List<String> args, ExecSession.Output out) throws Usage {
    return switch (name) {
      case "grep" -> grep(args);
      case "head" -> bytes(args) >= 0 ? headBytes(bytes(args)) : head(TextFilters.count(args));
      case "uniq" -> uniq(args.stream().filter(a -> a.startsWith("-")).reduce("", String::concat));
      case "rev" -> rev();
      case "sed" -> sed(Sed.of(args, out).orElseThrow(() -> new Usage(null, 1)));
      default -> cut(Cut.of(args, out).orElseThrow(() -> new Usage(null, 1)));
    };
  }

  private static LineFilter sed(Sed sed) {
    return new LineFilter() {
      @Override
      public boolean line(String line, Consumer<String> print) {
        StringBuilder b = new StringBuilder();
        boolean more = sed.line(line, b);
        if (!b.isEmpty()) {
          print.accept(b.toString());
        }
        return more;
      }

      @Override
      public int end(Consumer<String> print) {
        StringBuilder b = new StringBuilder();
        int code = sed.end(b);
        if (!b.isEmpty()) {
          print.accept(b.toString());
        }
        return code;
      }
    };
  }

  /** An awk session fed a line at a time, its errors to {@code out}'s stderr. */
  static LineFilter awk(io.dekube.kubelet.runtime.awk.Awk.Session s, ExecSession.Output out) {
    return new LineFilter() {
      @Override
      public boolean line(String line, Consumer<String> print) {
        boolean more = s.line(line);
        flush(print);
        return more;
      }

      @Override
      public int end(Consumer<String> print) {
        int code = s.end();
        flush(print);
        return code;
      }

      private void flush(Consumer<String> print) {
        String text = s.takeOut();
        if (!text.isEmpty()) {
          print.accept(text);
        }
        String err = s.takeErr();
        if (!err.isEmpty()) {
          out.stderr(io.vertx.core.buffer.Buffer.buffer(err));
        }
      }
    };
  }

  private static LineFilter grep(List<String> args) throws Usage {
    String flags = "";
    List<String> patterns = new ArrayList<>();
    boolean given = false; // by -e: then the operands are all files
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-e") && i + 1 < args.size()) {
        patterns.add(args.get(++i));
        given = true;
      } else if (a.startsWith("-") && a.length() > 1) {
        flags += a.substring(1);
      } else if (!given && patterns.isEmpty()) {
        patterns.add(a);
      }
    }
    if (patterns.isEmpty()) {
      throw new Usage("Usage: grep [-icvqnoEF] PATTERN", 2);
    }
    Pattern p;
    String pattern = String.join("\n", patterns);
    try {
      // every -e pattern, and every line of one, is a pattern of its own: a line matches when any does
      StringBuilder regex = new StringBuilder();
      for (String one : pattern.split("\n", -1)) {
        regex.append(regex.isEmpty() ? "" : "|").append("(?:")
            .append(flags.contains("F") ? Pattern.quote(one) : PosixRegex.toJava(one, flags.contains("E"))).append(')');
      }
      p = Pattern.compile(regex.toString(), flags.contains("i") ? Pattern.CASE_INSENSITIVE : 0);
    } catch (PatternSyntaxException e) {
      throw new Usage("grep: bad regex '" + pattern + "'", 2);
    }
    boolean invert = flags.contains("v");
    boolean quiet = flags.contains("q");
    boolean count = flags.contains("c");
    boolean numbers = flags.contains("n");
    boolean only = flags.contains("o");
    return new LineFilter() {
      int seen;
      int hits;

      @Override
      public boolean line(String line, Consumer<String> print) {
        seen++;
        java.util.regex.Matcher m = p.matcher(line);
        if (m.find() == invert) {
          return true;
        }
        hits++;
        if (quiet) {
          return false; // busybox's grep -q ends at the first match
        }
        if (!count) {
          String at = numbers ? seen + ":" : "";
          if (only && !invert) {
            do {
              print.accept(at + m.group() + "\n");
            } while (m.find());
          } else {
            print.accept(at + line + "\n");
          }
        }
        return true;
      }

      @Override
      public int end(Consumer<String> print) {
        if (count && !quiet) {
          print.accept(hits + "\n");
        }
        return hits > 0 ? 0 : 1;
      }
    };
  }

  /** {@code head -c N}'s N ({@code -c N}, {@code -cN}); -1 without it. */
  private static long bytes(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String n = a.equals("-c") && i + 1 < args.size() ? args.get(i + 1) : a.matches("-c\\d+") ? a.substring(2) : null;
      if (n != null && n.matches("\\d+")) {
        return Long.parseLong(n);
      }
    }
    return -1;
  }

  /** {@code head -c N}: the first N characters (bytes of ASCII text: the shell's pipes carry text), a line cut short. */
  private static LineFilter headBytes(long count) {
    return new LineFilter() {
      long left = count;

      @Override
      public boolean line(String line, Consumer<String> print) {
        String text = line + "\n";
        print.accept(text.length() <= left ? text : text.substring(0, (int) left));
        left -= Math.min(left, text.length());
        return left > 0;
      }

      @Override
      public int end(Consumer<String> print) {
        return 0;
      }
    };
  }

  private static LineFilter head(int lines) {
    return new LineFilter() {
      int printed;

      @Override
      public boolean line(String line, Consumer<String> print) {
        if (printed < lines) {
          print.accept(line + "\n");
          printed++;
        }
        return printed < lines;
      }

      @Override
      public int end(Consumer<String> print) {
        return 0;
      }
    };
  }

  /** {@code uniq}: a line is printed once the next one differs (or the input ended), so it streams. */
  private static LineFilter uniq(String flags) {
    return new LineFilter() {
      String last;
      int times;

      @Override
      public boolean line(String line, Consumer<String> print) {
        if (line.equals(last)) {
          times++;
          return true;
        }
        flush(print);
        last = line;
        times = 1;
        return true;
      }

      private void flush(Consumer<String> print) {
        if (last == null || (flags.contains("d") && times < 2) || (flags.contains("u") && times > 1)) {
          return;
        }
        print.accept((flags.contains("c") ? String.format(java.util.Locale.ROOT, "%7d ", times) : "") + last + "\n");
      }

      @Override
      public int end(Consumer<String> print) {
        flush(print);
        return 0;
      }
    };
  }

  /** {@code rev}: each line backwards (the Indexed Job docs' worker). */
  private static LineFilter rev() {
    return new LineFilter() {
      @Override
      public boolean line(String line, Consumer<String> print) {
        print.accept(new StringBuilder(line).reverse() + "\n");
        return true;
      }

      @Override
      public int end(Consumer<String> print) {
        return 0;
      }
    };
  }

  /** {@code cut} ({@link Cut}) a line at a time. */
  private static LineFilter cut(Cut cut) {
    return new LineFilter() {
      @Override
      public boolean line(String line, Consumer<String> print) {
        String kept = cut.line(line);
        if (kept != null) {
          print.accept(kept + "\n");
        }
        return true;
      }

      @Override
      public int end(Consumer<String> print) {
        return 0;
      }
    };
  }
}
