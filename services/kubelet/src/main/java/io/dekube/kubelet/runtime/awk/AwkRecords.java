package io.dekube.kubelet.runtime.awk;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The main input of a run that pulls its records ({@code getline} reads on from it): the operands in turn, each
 * file's records with {@code FILENAME} and {@code FNR} set anew and each {@code VAR=VALUE} operand assigned when
 * reached, or stdin when no operand names a file. Records end at newlines ({@code RS} as it is by default).
 */
final class AwkRecords {

  private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*", Pattern.DOTALL);

  private final List<String> operands;
  private final String stdin;
  private int next;
  private boolean stdinRead;
  private Iterator<String> current;

  /** {@code operands} as awk got them after its program; {@code stdin} all of its standard input (or null). */
  AwkRecords(List<String> operands, String stdin) {
    this.operands = operands;
    this.stdin = stdin == null ? "" : stdin;
  }

  /** Whether {@code operand} is a {@code VAR=VALUE} assignment rather than a file. */
  static boolean assignment(String operand) {
    return ASSIGNMENT.matcher(operand).matches();
  }

  /** Whether the operands name no file: awk reads its stdin. */
  static boolean readsStdin(List<String> operands) {
    return operands.stream().allMatch(AwkRecords::assignment) || operands.contains("-");
  }

  /** The next record, null at the end of the last input. */
  String next(AwkState st) {
    while (current == null || !current.hasNext()) {
      if (!open(st)) {
        return null;
      }
    }
    return current.next();
  }

  /** The assignments after the last file, made before END. */
  void finish(AwkState st) {
    while (next < operands.size()) {
      String op = operands.get(next++);
      if (assignment(op)) {
        Awk.assign(st, op);
      }
    }
  }

  private boolean open(AwkState st) {
    while (next < operands.size()) {
      String op = operands.get(next++);
      if (assignment(op)) {
        Awk.assign(st, op);
        continue;
      }
      String text;
      if (op.equals("-") || op.equals("/dev/stdin")) {
        text = stdinRead ? "" : stdin;
        stdinRead = true;
      } else {
        try {
          text = st.io.read(op);
        } catch (IOException e) {
          st.warn("cannot open \"" + op + "\" (" + e.getMessage() + ")");
          continue;
        }
      }
      start(st, op, text);
      return true;
    }
    if (!stdinRead && readsStdin(operands)) {
      stdinRead = true;
      start(st, "", stdin);
      return true;
    }
    return false;
  }

  private void start(AwkState st, String name, String text) {
    st.set("FILENAME", AwkValue.string(name));
    st.set("FNR", AwkValue.of(0));
    current = lines(text).iterator();
  }

  /** {@code text}'s lines, without a last empty one after a final newline. */
  static List<String> lines(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    String[] lines = text.split("\n", -1);
    int count = lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
    return List.of(lines).subList(0, count);
  }
}
