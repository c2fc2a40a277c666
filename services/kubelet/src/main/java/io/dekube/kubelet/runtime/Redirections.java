package io.dekube.kubelet.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The redirections of one command of the built-in shell, as ash reads them: {@code > FILE}, {@code >> FILE}
 * ({@code 1>} too), {@code < FILE}, {@code 2>/dev/null}, {@code 2>&1} and {@code >&2} (the file attached or the
 * next word); what is left is the command. {@code 2> FILE} drops stderr (it is not written). {@link #words} splits
 * a command line into words first. Pure.
 *
 * @param argv     the command and its arguments
 * @param stdout   the file stdout goes to, or null
 * @param append   {@code >>}: stdout is added to the file
 * @param stdin    the file stdin comes from, or null
 * @param stderr   where stderr goes
 * @param toStderr {@code >&2}: stdout goes to stderr
 */
record Redirections(List<String> argv, String stdout, boolean append, String stdin, Stderr stderr, boolean toStderr) {

  /** What {@link #words} puts before a word that had quotes. */
  static final char QUOTED = '\u0000';

  /** Where a command's stderr goes. */
  enum Stderr { KEEP, DROP, TO_STDOUT }

  /** The words of a command (after expansion) parsed; a redirection without its file is ash's syntax error. */
  static Redirections parse(List<String> words) {
    List<String> argv = new ArrayList<>();
    String stdout = null;
    boolean append = false;
    String stdin = null;
    Stderr stderr = Stderr.KEEP;
    boolean toStderr = false;
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      if (!w.isEmpty() && w.charAt(0) == QUOTED) {
        argv.add(w.substring(1));
        continue;
      }
      String op = w.startsWith(">>") ? ">>" : w.startsWith("1>>") ? "1>>" : w.startsWith("2>") ? "2>"
          : w.startsWith("1>") ? "1>" : w.startsWith(">") ? ">" : w.startsWith("<") ? "<" : null;
      if (op == null) {
        argv.add(w);
        continue;
      }
      String target = w.length() > op.length() ? w.substring(op.length()) : i + 1 < words.size() ? words.get(++i) : null;
      target = target != null && !target.isEmpty() && target.charAt(0) == QUOTED ? target.substring(1) : target;
      if (target == null || target.isEmpty()) {
        throw new IllegalArgumentException("sh: syntax error: unexpected newline");
      }
      switch (op) {
        case "<" -> stdin = target;
        case "2>" -> stderr = target.equals("&1") ? Stderr.TO_STDOUT : Stderr.DROP;
        default -> {
          if (target.equals("&2")) {
            toStderr = true;
          } else {
            stdout = target;
            append = op.endsWith(">>");
          }
        }
      }
    }
    return new Redirections(argv, stdout, append, stdin, stderr, toStderr);
  }

  /** Whether the command has no redirection. */
  boolean none() {
    return stdout == null && stdin == null && stderr == Stderr.KEEP && !toStderr;
  }

  /**
   * Splits on blanks, keeping single- and double-quoted words together; a word with quotes in it starts with
   * {@link #QUOTED} (so that {@code '<h1>'} is no redirection), which {@link #parse} takes off.
   */
  static List<String> words(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    boolean any = false;
    for (char ch : s.toCharArray()) {
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else {
          cur.append(ch);
        }
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
        any = true;
      } else if (Character.isWhitespace(ch)) {
        if (cur.length() > 0 || any) {
          words.add(any ? QUOTED + cur.toString() : cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(ch);
      }
    }
    if (cur.length() > 0 || any) {
      words.add(any ? QUOTED + cur.toString() : cur.toString());
    }
    return words;
  }
}
