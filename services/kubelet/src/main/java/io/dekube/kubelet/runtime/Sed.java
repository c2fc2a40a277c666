package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * busybox's {@code sed [-n] [-E|-r] [-e SCRIPT]... [SCRIPT] [FILE]...} ({@code -i} is the caller's: it writes the
 * result back to each file): the commands {@code s} (any delimiter; flags {@code g}, {@code p}, {@code N},
 * {@code I}; {@code &} and {@code \1}…{@code \9} in the replacement), {@code d}, {@code p}, {@code q}/{@code Q}
 * [exit code], {@code =}, {@code y}, {@code a}/{@code i}/{@code c} text, {@code n}/{@code N}, the hold space's
 * {@code h H g G x}, {@code { }} blocks and {@code #} comments, under addresses {@code N}, {@code $},
 * {@code /RE/}, {@code \cREc}, ranges {@code A,B} and {@code !}; regular expressions basic (POSIX BRE) or, with
 * {@code -E}, extended ({@link PosixRegex}). Pure: one instance per command.
 */
final class Sed {

  private final List<SedScript.Command> commands;
  private final boolean quiet;
  /** Lines held before a cycle starts: one to know whether a line is the last, one more per n or N. */
  private final int lookahead;
  private final java.util.ArrayDeque<String> pending = new java.util.ArrayDeque<>();
  private String hold = "";
  private int lineNo;
  private boolean quit;
  private int exitCode;

  private Sed(List<SedScript.Command> commands, boolean quiet) {
    this.commands = commands;
    this.quiet = quiet;
    this.lookahead = 1 + (int) commands.stream().filter(c -> c.name() == 'n' || c.name() == 'N').count();
  }

  /**
   * The command for its options and script ({@code -n}, {@code -E}/{@code -r}, {@code -e S}, {@code -i} ignored
   * here, else the first word is the script), or empty after its error went to stderr.
   */
  static Optional<Sed> of(List<String> options, ExecSession.Output out) {
    boolean quiet = false;
    boolean extended = false;
    List<String> scripts = new ArrayList<>();
    String operand = null;
    for (int i = 0; i < options.size(); i++) {
      String a = options.get(i);
      if (a.equals("-e") || a.equals("--expression")) {
        if (i + 1 < options.size()) {
          scripts.add(options.get(++i));
        }
      } else if (a.startsWith("-e") && a.length() > 2) {
        scripts.add(a.substring(2));
      } else if (a.startsWith("-") && a.length() > 1 && !a.startsWith("--") && a.substring(1).matches("[nErsiu]+.*")) {
        quiet |= a.contains("n") && !a.startsWith("-i");
        extended |= a.contains("E") || a.contains("r");
      } else if (a.equals("--quiet") || a.equals("--silent")) {
        quiet = true;
      } else if (a.equals("--regexp-extended")) {
        extended = true;
      } else if (operand == null && !a.startsWith("-")) {
        operand = a;
      } else if (a.startsWith("-")) {
        return fail(out, "sed: unrecognized option '" + a + "'");
      }
    }
    if (scripts.isEmpty() && operand != null) {
      scripts.add(operand);
    }
    if (scripts.isEmpty()) {
      out.stderr(Buffer.buffer("BusyBox v1.36.1 multi-call binary.\n\nUsage: sed [-i[SFX]] [-nrE] [-f FILE]... "
          + "[-e CMD]... [FILE]...\nor: sed [-i[SFX]] [-nrE] CMD [FILE]...\n"));
      return Optional.empty();
    }
    try {
      return Optional.of(new Sed(SedScript.parse(String.join("\n", scripts), extended), quiet));
    } catch (IllegalArgumentException e) {
      return fail(out, "sed: " + e.getMessage());
    }
  }

  /** Runs the script over {@code lines} into {@code out}; the exit code ({@code q N}'s, else 0). */
  int run(List<String> lines, StringBuilder out) {
    for (String l : lines) {
      if (!line(l, out)) {
        break;
      }
    }
    return end(out);
  }

  /**
   * Takes the next input line and runs the cycles it makes possible (a pipe is edited as it flows: with no
   * branches in a script, a cycle reads at most one line per n or N); false once {@code q} ended the run.
   */
  boolean line(String line, StringBuilder out) {
    pending.add(line);
    while (!quit && pending.size() > lookahead) {
      cycle(false, out);
    }
    return !quit;
  }

  /** The input ended: the held lines' cycles; the exit code ({@code q N}'s, else 0). */
  int end(StringBuilder out) {
    while (!quit && !pending.isEmpty()) {
      cycle(true, out);
    }
    return exitCode;
  }

  /** One cycle: the next line into the pattern space, the script, the pattern space out unless -n or d. */
  private void cycle(boolean eof, StringBuilder out) {
    String ps = pending.poll();
    lineNo++;
    List<String> appended = new ArrayList<>();
    boolean print = !quiet;
    int pc = 0;
    while (pc < commands.size()) {
      SedScript.Command c = commands.get(pc);
      if (c.name() == '}') {
        pc++;
        continue;
      }
      boolean last = eof && pending.isEmpty();
      if (!c.selects(ps, lineNo, last)) {
        pc = c.name() == '{' ? c.blockEnd() + 1 : pc + 1;
        continue;
      }
      pc++;
      switch (c.name()) {
        case 's' -> {
          String next = substitute(c, ps);
          if (next != null) {
            ps = next;
            if (c.printOnReplace()) {
              out.append(ps).append('\n');
            }
          }
        }
        case 'y' -> ps = c.transliterate(ps);
        case 'p' -> out.append(ps).append('\n');
        case 'P' -> out.append(ps.contains("\n") ? ps.substring(0, ps.indexOf('\n')) : ps).append('\n');
        case '=' -> out.append(lineNo).append('\n');
        case 'a' -> appended.add(c.text());
        case 'i' -> out.append(c.text()).append('\n');
        case 'c' -> {
          if (!c.ranged() || !c.inRange()) {
            out.append(c.text()).append('\n');
          }
          print = false;
          pc = commands.size();
        }
        case 'd' -> {
          print = false;
          pc = commands.size();
        }
        case 'q', 'Q' -> {
          exitCode = c.exitCode();
          quit = true;
          print &= c.name() == 'q';
          pc = commands.size();
        }
        case 'n' -> {
          if (last) {
            pc = commands.size(); // GNU and busybox: no next line, end as at the script's end
          } else {
            if (!quiet) {
              out.append(ps).append('\n');
            }
            ps = pending.poll();
            lineNo++;
          }
        }
        case 'N' -> {
          if (last) {
            pc = commands.size();
          } else {
            ps = ps + "\n" + pending.poll();
            lineNo++;
          }
        }
        case 'h' -> hold = ps;
        case 'H' -> hold = hold + "\n" + ps;
        case 'g' -> ps = hold;
        case 'G' -> ps = ps + "\n" + hold;
        case 'x' -> {
          String t = hold;
          hold = ps;
          ps = t;
        }
        default -> {
          // '{' opens its block: its commands follow
        }
      }
    }
    if (print) {
      out.append(ps).append('\n');
    }
    appended.forEach(t -> out.append(t).append('\n'));
  }

  /** {@code s}: the new pattern space, or null when nothing was replaced. */
  private static String substitute(SedScript.Command c, String ps) {
    Matcher m = c.regex().matcher(ps);
    StringBuilder b = new StringBuilder();
    int from = 0;
    int count = 0;
    boolean replaced = false;
    while (m.find()) {
      count++;
      if (count == c.occurrence() || c.global() && count > c.occurrence()) {
        b.append(ps, from, m.start()).append(expand(c.replacement(), m));
        from = m.end();
        replaced = true;
        if (!c.global()) {
          break;
        }
      }
    }
    if (!replaced) {
      return null;
    }
    return b.append(ps.substring(from)).toString();
  }

  /** The replacement with {@code &}, {@code \N}, {@code \n} and {@code \t} for this match. */
  private static String expand(String replacement, Matcher m) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < replacement.length(); i++) {
      char ch = replacement.charAt(i);
      if (ch == '&') {
        b.append(m.group());
      } else if (ch == '\\' && i + 1 < replacement.length()) {
        char e = replacement.charAt(++i);
        if (e >= '0' && e <= '9') {
          int g = e - '0';
          String v = g <= m.groupCount() ? m.group(g) : null;
          b.append(v == null ? "" : v);
        } else {
          b.append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
        }
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  private static Optional<Sed> fail(ExecSession.Output out, String message) {
    out.stderr(Buffer.buffer(message + "\n"));
    return Optional.empty();
  }
}
