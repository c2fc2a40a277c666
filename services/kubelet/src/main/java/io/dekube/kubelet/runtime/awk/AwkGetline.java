package io.dekube.kubelet.runtime.awk;

import java.io.IOException;

/**
 * awk's {@code getline} forms and what each sets, as POSIX says: {@code getline} ($0, NF, NR, FNR),
 * {@code getline VAR} (VAR, NR, FNR), {@code getline < FILE} ($0, NF), {@code getline VAR < FILE} (VAR),
 * {@code CMD | getline} ($0, NF, NR), {@code CMD | getline VAR} (VAR, NR). Each gives 1 for a record, 0 at the end,
 * -1 when the file cannot be read.
 */
final class AwkGetline {

  private AwkGetline() {
  }

  /** {@code getline [var]}: the main input's next record. */
  static AwkProgram.Expr main(AwkProgram.LValue var) {
    return st -> {
      if (st.records == null) {
        throw new AwkException("getline: the input is not at hand here");
      }
      String line = st.records.next(st);
      if (line == null) {
        return AwkValue.of(0);
      }
      count(st, "NR");
      count(st, "FNR");
      return store(st, var, line);
    };
  }

  /** {@code getline [var] < file}: the file's next line ({@code -} is the main input). */
  static AwkProgram.Expr file(AwkProgram.LValue var, AwkProgram.Expr file) {
    return st -> {
      String name = file.eval(st).toText();
      String line;
      try {
        line = name.equals("-") || name.equals("/dev/stdin") ? st.records == null ? null : st.records.next(st)
            : st.readFrom(name, false);
      } catch (IOException e) {
        return AwkValue.of(-1);
      }
      return line == null ? AwkValue.of(0) : store(st, var, line);
    };
  }

  /** {@code cmd | getline [var]}: the next line the command printed (run at first, through the shell). */
  static AwkProgram.Expr command(AwkProgram.Expr cmd, AwkProgram.LValue var) {
    return st -> {
      String line;
      try {
        line = st.readFrom(cmd.eval(st).toText(), true);
      } catch (IOException e) {
        return AwkValue.of(-1);
      }
      if (line == null) {
        return AwkValue.of(0);
      }
      count(st, "NR");
      return store(st, var, line);
    };
  }

  private static void count(AwkState st, String name) {
    st.set(name, AwkValue.of(st.get(name).toNumber() + 1));
  }

  private static AwkValue store(AwkState st, AwkProgram.LValue var, String line) {
    if (var == null) {
      st.newRecord(line);
    } else {
      var.set(st, AwkValue.input(line));
    }
    return AwkValue.of(1);
  }
}
