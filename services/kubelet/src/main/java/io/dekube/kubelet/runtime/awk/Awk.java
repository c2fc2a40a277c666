package io.dekube.kubelet.runtime.awk;

import java.util.ArrayList;
import java.util.List;

/**
 * busybox's {@code awk [-F FS] [-v VAR=VALUE]... 'PROGRAM' [FILE | VAR=VALUE]...} over its input: POSIX awk's
 * patterns, actions, expressions, fields, arrays, built-in and user-defined functions and {@code getline}
 * ({@link AwkParser}), output to files and commands ({@link AwkOutputs}); files and commands through {@link AwkIo}.
 * Not offered: {@code -f PROGFILE}, an {@code RS} other than a newline, {@code nextfile}.
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
                st.write(null, null, st.field(0).toText() + st.get("ORS").toText());
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

    /**
     * Reads the next record of the main input ({@link Command#session(AwkIo, String)}) and runs the rules on it;
     * false at the end of input or once the program wants no more.
     */
    public boolean next() {
      begin();
      if (exited || failed || st.records == null) {
        return false;
      }
      String record = st.records.next(st);
      return record != null && line(record);
    }

    /** What the program printed since the last call. */
    public String takeOut() {
      return st.takeOut();
    }

    /** What it printed to stderr since the last call (its errors included). */
    public String takeErr() {
      String err = st.takeErr() + failure;
      failure = "";
      return err;
    }

    /** The input ended: END runs (after an {@code exit} too, as POSIX says, not after an error); the exit code. */
    public int end() {
      begin();
      if (!failed) {
        if (!exited && st.records != null) {
          st.records.finish(st);
        }
        exited = false;
        guard(() -> program.end.forEach(s -> s.exec(st)));
        guard(st::finish);
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

  /** awk's command line, its program parsed once: what it reads, and the sessions that run it. */
  public static final class Command {
    private final String fs;
    private final List<String> assignments;
    private final AwkProgram program;
    private final List<String> operands;

    private Command(String fs, List<String> assignments, AwkProgram program, List<String> operands) {
      this.fs = fs;
      this.assignments = assignments;
      this.program = program;
      this.operands = operands;
    }

    /** The words after the program: files, {@code -} for stdin, {@code VAR=VALUE} assignments. */
    public List<String> operands() {
      return operands;
    }

    /** Whether it reads its stdin: its program reads records, and no operand names a file (or one is {@code -}). */
    public boolean readsStdin() {
      return readsRecords() && AwkRecords.readsStdin(operands);
    }

    /** Whether it can run a line at a time as its stdin flows ({@link Session#line}): it reads no file nor command. */
    public boolean streams() {
      return readsStdin() && !program.usesIo && operands.isEmpty();
    }

    private boolean readsRecords() {
      return !program.rules.isEmpty() || !program.end.isEmpty() || program.readsByGetline;
    }

    /** A session fed its input a line at a time ({@link Session#line}); a program of {@link #streams()}. */
    public Session session() {
      return session(AwkIo.NONE, null, false);
    }

    /** A session that reads the operands (through {@code io}), or {@code stdin}, itself ({@link Session#next}). */
    public Session session(AwkIo io, String stdin) {
      return session(io, stdin, true);
    }

    private Session session(AwkIo io, String stdin, boolean pulls) {
      AwkState st = new AwkState();
      st.io = io;
      st.records = pulls ? new AwkRecords(operands, stdin) : null;
      if (fs != null) {
        st.set("FS", AwkValue.string(fs));
      }
      assignments.forEach(a -> assign(st, a));
      return new Session(program, st);
    }
  }

  /** Parses {@code awk}'s arguments (without its name); the error (usage, syntax) and its exit code. */
  public static Command command(List<String> args) throws BadUsage {
    String fs = null;
    List<String> assignments = new ArrayList<>();
    String source = null;
    List<String> operands = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String flag = a.length() >= 2 ? a.substring(0, 2) : a;
      if (source != null) {
        operands.add(a);
      } else if (a.startsWith("-") && a.length() > 1 && VALUED.contains(flag)) {
        String value = a.length() > 2 ? a.substring(2) : i + 1 < args.size() ? args.get(++i) : "";
        if (flag.equals("-F")) {
          fs = value.equals("\\t") || value.equals("t") ? "\t" : value;
        } else if (flag.equals("-f")) {
          throw new BadUsage("awk: -f PROGFILE is not supported by dekube's awk", 2);
        } else if (AwkRecords.assignment(value)) {
          assignments.add(value);
        } else {
          throw new BadUsage("awk: -v: '" + value + "' is not VAR=VALUE", 2);
        }
      } else if (!a.equals("--")) {
        source = a;
      }
    }
    if (source == null) {
      throw new BadUsage("BusyBox v1.36.1 multi-call binary.\n\nUsage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...", 1);
    }
    try {
      return new Command(fs, assignments, AwkParser.parse(source), operands);
    } catch (AwkException e) {
      throw new BadUsage("awk: cmd. line:1: " + e.getMessage(), 2);
    }
  }

  /** {@code VAR=VALUE} (from {@code -v} or an operand) assigned: the value's escapes decoded, numeric when it looks so. */
  static void assign(AwkState st, String assignment) {
    String[] kv = assignment.split("=", 2);
    st.set(kv[0], AwkValue.input(AwkLexer.unescape(kv[1])));
  }

  /** A command line or program awk refuses: the message (without its newline) and the exit code. */
  public static final class BadUsage extends Exception {
    public final int code;

    BadUsage(String message, int code) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  /** Runs {@code awk ARGS} over {@code stdin} (pure: no files, no commands). */
  public static Result run(List<String> args, String stdin) {
    return run(args, stdin, AwkIo.NONE);
  }

  /** Runs {@code awk ARGS}: its operands, else {@code stdin}; files and commands through {@code io}. */
  public static Result run(List<String> args, String stdin, AwkIo io) {
    Session s;
    try {
      s = command(args).session(io, stdin);
    } catch (BadUsage e) {
      return new Result("", e.getMessage() + "\n", e.code);
    }
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    while (s.next()) {
      out.append(s.takeOut());
      err.append(s.takeErr());
    }
    int code = s.end();
    return new Result(out.append(s.takeOut()).toString(), err.append(s.takeErr()).toString(), code);
  }
}
