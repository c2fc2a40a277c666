package io.dekube.kubelet.runtime.awk;

import java.util.ArrayList;
import java.util.List;

/**
 * busybox's {@code awk [-F FS] [-v VAR=VALUE]... 'PROGRAM' [FILE]...} over its input (the files' text or stdin,
 * given here as one string): POSIX awk's patterns, actions, expressions, fields, arrays and built-in functions
 * ({@link AwkParser}); not offered: user-defined functions, {@code getline}, output to files other than
 * {@code /dev/stdout} and {@code /dev/stderr} or to commands, {@code -f PROGFILE}. Pure.
 */
public final class Awk {

  /** What a run printed, and its exit code. */
  public record Result(String out, String err, int code) {
  }

  /** Options of awk that take the next word as their value. */
  public static final List<String> VALUED = List.of("-F", "-v", "-f");

  private Awk() {
  }

  /** Runs {@code awk OPTIONS PROGRAM} (file operands already read into {@code input}). */
  public static Result run(List<String> options, String input) {
    String fs = null;
    List<String[]> assignments = new ArrayList<>();
    String source = null;
    for (int i = 0; i < options.size(); i++) {
      String a = options.get(i);
      String flag = a.length() >= 2 ? a.substring(0, 2) : a;
      if (a.startsWith("-") && a.length() > 1 && VALUED.contains(flag) && source == null) {
        String value = a.length() > 2 ? a.substring(2) : i + 1 < options.size() ? options.get(++i) : "";
        if (flag.equals("-F")) {
          fs = value.equals("\\t") || value.equals("t") ? "\t" : value;
        } else if (flag.equals("-f")) {
          return new Result("", "awk: -f PROGFILE is not supported by dekube's awk\n", 2);
        } else if (value.contains("=")) {
          assignments.add(value.split("=", 2));
        } else {
          return new Result("", "awk: -v: '" + value + "' is not VAR=VALUE\n", 2);
        }
      } else if (source == null && !a.equals("--")) {
        source = a;
      }
    }
    if (source == null) {
      return new Result("", "BusyBox v1.36.1 multi-call binary.\n\nUsage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...\n", 1);
    }
    AwkProgram program;
    try {
      program = AwkParser.parse(source);
    } catch (AwkException e) {
      return new Result("", "awk: cmd. line:1: " + e.getMessage() + "\n", 2);
    }
    AwkState st = new AwkState();
    if (fs != null) {
      st.set("FS", AwkValue.string(fs));
    }
    assignments.forEach(kv -> st.set(kv[0], AwkValue.input(unescape(kv[1]))));
    try {
      int code = run(program, st, input);
      return new Result(st.takeOut(), st.takeErr(), code);
    } catch (AwkException e) {
      return new Result(st.takeOut(), st.takeErr() + "awk: " + e.getMessage() + "\n", 2);
    } catch (AwkProgram.Next e) {
      return new Result(st.takeOut(), st.takeErr() + "awk: next used in BEGIN or END\n", 2);
    } catch (AwkProgram.Break | AwkProgram.Continue e) {
      return new Result(st.takeOut(), st.takeErr() + "awk: break or continue outside a loop\n", 2);
    }
  }

  /** BEGIN, the records, END; an {@code exit} before END still runs END, as POSIX says. */
  private static int run(AwkProgram program, AwkState st, String input) {
    try {
      program.begin.forEach(s -> s.exec(st));
      if (!program.rules.isEmpty() || !program.end.isEmpty()) {
        records(program, st, input);
      }
    } catch (AwkProgram.Exit e) {
      st.exitCode = e.code;
    }
    try {
      program.end.forEach(s -> s.exec(st));
    } catch (AwkProgram.Exit e) {
      st.exitCode = e.code;
    }
    return st.exitCode;
  }

  private static void records(AwkProgram program, AwkState st, String input) {
    String[] lines = input.isEmpty() ? new String[0] : input.split("\n", -1);
    int count = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
    for (int i = 0; i < count; i++) {
      st.set("NR", AwkValue.of(st.get("NR").toNumber() + 1));
      st.set("FNR", AwkValue.of(st.get("FNR").toNumber() + 1));
      st.newRecord(lines[i]);
      try {
        for (AwkProgram.Rule rule : program.rules) {
          if (rule.selects(st)) {
            if (rule.action == null) {
              st.write(null, st.field(0).toText() + st.get("ORS").toText());
            } else {
              rule.action.exec(st);
            }
          }
        }
      } catch (AwkProgram.Next n) {
        // the next record
      }
    }
  }

  private static String unescape(String s) {
    return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
  }
}
