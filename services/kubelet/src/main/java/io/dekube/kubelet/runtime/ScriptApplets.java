package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Applets scripts lean on, as busybox has them: {@code seq [FIRST [STEP]] LAST}, {@code expr} (integer
 * arithmetic and comparisons of two operands, {@code length STRING}).
 */
final class ScriptApplets {

  /** The applets offered here. */
  static final List<String> NAMES = List.of("seq", "expr");

  private final ExecSession.Output out;

  ScriptApplets(ExecSession.Output out) {
    this.out = out;
  }

  int run(String name, List<String> args) {
    return switch (name) {
      case "seq" -> seq(args);
      default -> expr(args);
    };
  }

  private int seq(List<String> args) {
    if (args.isEmpty() || args.size() > 3) {
      return fail("Usage: seq [-w] [-s SEP] [FIRST [INC]] LAST");
    }
    long first;
    long step;
    long last;
    try {
      first = args.size() > 1 ? Long.parseLong(args.get(0)) : 1;
      step = args.size() == 3 ? Long.parseLong(args.get(1)) : 1;
      last = Long.parseLong(args.get(args.size() - 1));
    } catch (NumberFormatException e) {
      return fail("seq: invalid number '" + args.stream().filter(a -> !a.matches("-?\\d+")).findFirst().orElse("")
          + "'");
    }
    if (step == 0) {
      return fail("seq: invalid increment '0'");
    }
    StringBuilder b = new StringBuilder();
    for (long i = first; step > 0 ? i <= last : i >= last; i += step) {
      b.append(i).append('\n');
    }
    out.stdout(Buffer.buffer(b.toString()));
    return 0;
  }

  /** {@code expr A OP B} and {@code expr length S}: the value printed; 1 when it is 0 or empty, 2 on an error. */
  private int expr(List<String> args) {
    String value;
    if (args.size() == 1) {
      value = args.get(0);
    } else if (args.size() == 2 && args.get(0).equals("length")) {
      value = Integer.toString(args.get(1).length());
    } else if (args.size() == 3) {
      value = binary(args.get(0), args.get(1), args.get(2));
      if (value == null) {
        return 2;
      }
    } else {
      return fail("expr: syntax error") + 1;
    }
    out.stdout(Buffer.buffer(value + "\n"));
    return value.isEmpty() || value.equals("0") ? 1 : 0;
  }

  private String binary(String a, String op, String b) {
    if (op.equals("=") || op.equals("!=")) {
      return a.equals(b) == op.equals("=") ? "1" : "0";
    }
    long x;
    long y;
    try {
      x = Long.parseLong(a);
      y = Long.parseLong(b);
    } catch (NumberFormatException e) {
      fail("expr: non-numeric argument");
      return null;
    }
    if ((op.equals("/") || op.equals("%")) && y == 0) {
      fail("expr: division by zero");
      return null;
    }
    return switch (op) {
      case "+" -> Long.toString(x + y);
      case "-" -> Long.toString(x - y);
      case "*" -> Long.toString(x * y);
      case "/" -> Long.toString(x / y);
      case "%" -> Long.toString(x % y);
      case "<" -> x < y ? "1" : "0";
      case "<=" -> x <= y ? "1" : "0";
      case ">" -> x > y ? "1" : "0";
      case ">=" -> x >= y ? "1" : "0";
      default -> {
        fail("expr: syntax error");
        yield null;
      }
    };
  }

  private int fail(String line) {
    out.stderr(Buffer.buffer(line + "\n"));
    return 1;
  }
}
