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

  /** A program ready to run: fed its input a line at a time (a pipe as it flows), then ended. */
  public static final class Session {
    private final AwkProgram program;
    private final AwkState st;
    private boolean exited;
    private boolean failed;
    private String failure = "";

    private boolean begun;

    private Session(AwkProgram program, AwkState st) {
      this.program = program;
      this.st = st;
    }

    /** BEGIN, once, before the first record or the end. */
    private void begin() {
      if (!begun) {
        begun = true;
        guard(() -> program.begin.forEach(s -> s.exec(st)));
        exited |= program.rules.isEmpty() && program.end.isEmpty(); // BEGIN alone reads no input
      }
    }

    /** Runs the rules on one record; false once the program wants no more input ({@code exit}, an error). */
    public boolean line(String line) {
      begin();
      if (exited || failed) {
        return false;
      }
      st.set("NR", AwkValue.of(st.get("NR").toNumber() + 1));
      st.set("FNR", AwkValue.of(st.get("FNR").toNumber() + 1));
      st.newRecord(line);
      guard(() -> {
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
      });
      return !exited && !failed;
    }

    /** What the program printed since the last call. */
    public String takeOut() {
      return st.takeOut();
    }

    /** What it printed to stderr since the last call (its errors included). */
    public String takeErr() {
      return st.takeErr() + failure;
    }

    /** The input ended: END runs (after an {@code exit} too, as POSIX says, not after an error); the exit code. */
    public int end() {
      begin();
      if (!failed) {
        exited = false;
        guard(() -> program.end.forEach(s -> s.exec(st)));
      }
      return failed ? 2 : st.exitCode;
    }

    private void guard(Runnable r) {
      try {
        r.run();
      } catch (AwkProgram.Exit e) {
        st.exitCode = e.code;
        exited = true;
      } catch (AwkException e) {
        fail(e.getMessage());
      } catch (AwkProgram.Next e) {
        fail("next used in BEGIN or END");
      } catch (AwkProgram.Break | AwkProgram.Continue e) {
        fail("break or continue outside a loop");
      }
    }

    private void fail(String message) {
      failed = true;
      failure += "awk: " + message + "\n";
    }
  }

  /** The session for {@code awk OPTIONS PROGRAM} (BEGIN runs at its first line or its end); or the error (usage, syntax) and its exit code. */
  public static Session session(List<String> options) throws BadUsage {
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
          throw new BadUsage("awk: -f PROGFILE is not supported by dekube's awk", 2);
        } else if (value.contains("=")) {
          assignments.add(value.split("=", 2));
        } else {
          throw new BadUsage("awk: -v: '" + value + "' is not VAR=VALUE", 2);
        }
      } else if (source == null && !a.equals("--")) {
        source = a;
      }
    }
    if (source == null) {
      throw new BadUsage("BusyBox v1.36.1 multi-call binary.\n\nUsage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...", 1);
    }
    AwkProgram program;
    try {
      program = AwkParser.parse(source);
    } catch (AwkException e) {
      throw new BadUsage("awk: cmd. line:1: " + e.getMessage(), 2);
    }
    AwkState st = new AwkState();
    if (fs != null) {
      st.set("FS", AwkValue.string(fs));
    }
    assignments.forEach(kv -> st.set(kv[0], AwkValue.input(unescape(kv[1]))));
    return new Session(program, st);
  }

  /** A command line or program awk refuses: the message (without its newline) and the exit code. */
  public static final class BadUsage extends Exception {
    public final int code;

    BadUsage(String message, int code) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** Whether {@code awk OPTIONS PROGRAM} reads input: not when its program is BEGIN actions alone (nor when it is bad). */
  public static boolean readsInput(List<String> options) {
    try {
      Session s = session(options);
      return !s.program.rules.isEmpty() || !s.program.end.isEmpty();
    } catch (BadUsage e) {
      return false;
    }
  }

  /** Runs {@code awk OPTIONS PROGRAM} over all of {@code input} (file operands already read into it). */
  public static Result run(List<String> options, String input) {
    Session s;
    try {
      s = session(options);
    } catch (BadUsage e) {
      return new Result("", e.getMessage() + "\n", e.code);
    }
    String[] lines = input.isEmpty() ? new String[0] : input.split("\n", -1);
    int count = lines.length > 0 && lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
    for (int i = 0; i < count && s.line(lines[i]); i++) {
      // each record in turn
    }
    int code = s.end();
    return new Result(s.takeOut(), s.takeErr(), code);
  }

  private static String unescape(String s) {
    return s.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
  }
}
