package io.dekube.kubelet.runtime.sh;

/**
 * {@code $(( expression ))} as ash evaluates it, on 64-bit integers: numbers (decimal, {@code 0x} hex, octal),
 * variables by name (empty or unset: 0), {@code ( )}, unary {@code + - ! ~}, {@code ++}/{@code --},
 * {@code * / %}, {@code + -}, {@code << >>}, comparisons, {@code & ^ |}, {@code && ||}, {@code ?:}, and the
 * assignments {@code = += -= *= /= %=}. Errors ({@code arithmetic syntax error}, {@code divide by zero}) throw
 * {@link ShellError}. Not thread-safe (one evaluation per instance).
 */
final class Arithmetic {

  private final String s;
  private final Variables vars;
  private int i;

  private Arithmetic(String s, Variables vars) {
    this.s = s;
    this.vars = vars;
  }

  /** The value of {@code expression} (already parameter-expanded); assignments change {@code vars}. */
  static long eval(String expression, Variables vars) {
    Arithmetic a = new Arithmetic(expression, vars);
    a.blank();
    if (a.i >= a.s.length()) {
      return 0;
    }
    long v = a.assignment();
    a.blank();
    if (a.i < a.s.length()) {
      throw a.syntax();
    }
    return v;
  }

  private ShellError syntax() {
    return new ShellError("arithmetic syntax error");
  }

  private void blank() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private boolean eat(String op) {
    blank();
    if (s.startsWith(op, i)) {
      i += op.length();
      return true;
    }
    return false;
  }

  /** Eats {@code op} unless it starts a longer operator among {@code longer}. */
  private boolean eatOnly(String op, String... longer) {
    blank();
    for (String l : longer) {
      if (s.startsWith(l, i)) {
        return false;
      }
    }
    return eat(op);
  }

  private long assignment() {
    blank();
    int start = i;
    String name = name();
    if (name != null) {
      for (String op : new String[] {"=", "+=", "-=", "*=", "/=", "%="}) {
        if (op.equals("=") ? eatOnly("=", "==") : eat(op)) {
          long value = assignment();
          long old = op.equals("=") ? 0 : variable(name);
          long result = switch (op) {
            case "+=" -> old + value;
            case "-=" -> old - value;
            case "*=" -> old * value;
            case "/=" -> divide(old, value, false);
            case "%=" -> divide(old, value, true);
            default -> value;
          };
          vars.set(name, Long.toString(result));
          return result;
        }
      }
      i = start;
    }
    return ternary();
  }

  private long ternary() {
    long c = binary(0);
    if (eat("?")) {
      long a = assignment();
      if (!eat(":")) {
        throw syntax();
      }
      long b = assignment();
      return c != 0 ? a : b;
    }
    return c;
  }

  private static final String[][] LEVELS = {
      {"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<=", ">=", "<", ">"}, {"<<", ">>"}, {"+", "-"},
      {"*", "/", "%"}};

  /** Left-associative binary operators from precedence level {@code level} up. */
  private long binary(int level) {
    if (level == LEVELS.length) {
      return unary();
    }
    long left = binary(level + 1);
    while (true) {
      String op = operator(level);
      if (op == null) {
        return left;
      }
      long right = binary(level + 1);
      left = apply(op, left, right);
    }
  }

  private String operator(int level) {
    blank();
    for (String op : LEVELS[level]) {
      if (s.startsWith(op, i) && !longerOperator(op)) {
        i += op.length();
        return op;
      }
    }
    return null;
  }

  /** Whether {@code op} at {@code i} starts a longer operator ({@code |} of {@code ||}, {@code <} of {@code <<}). */
  private boolean longerOperator(String op) {
    String rest = s.substring(i + op.length());
    return switch (op) {
      case "|" -> rest.startsWith("|") || rest.startsWith("=");
      case "&" -> rest.startsWith("&") || rest.startsWith("=");
      case "<", ">" -> rest.startsWith(op) || rest.startsWith("=");
      case "+", "-", "*", "/", "%", "^" -> rest.startsWith("=") || op.equals("+") && rest.startsWith("+")
          || op.equals("-") && rest.startsWith("-");
      default -> false;
    };
  }

  private long apply(String op, long a, long b) {
    return switch (op) {
      case "||" -> a != 0 || b != 0 ? 1 : 0;
      case "&&" -> a != 0 && b != 0 ? 1 : 0;
      case "|" -> a | b;
      case "^" -> a ^ b;
      case "&" -> a & b;
      case "==" -> a == b ? 1 : 0;
      case "!=" -> a != b ? 1 : 0;
      case "<=" -> a <= b ? 1 : 0;
      case ">=" -> a >= b ? 1 : 0;
      case "<" -> a < b ? 1 : 0;
      case ">" -> a > b ? 1 : 0;
      case "<<" -> a << b;
      case ">>" -> a >> b;
      case "+" -> a + b;
      case "-" -> a - b;
      case "*" -> a * b;
      case "/" -> divide(a, b, false);
      default -> divide(a, b, true);
    };
  }

  private long divide(long a, long b, boolean remainder) {
    if (b == 0) {
      throw new ShellError("divide by zero");
    }
    return remainder ? a % b : a / b;
  }

  private long unary() {
    blank();
    if (eat("++") || eat("--")) {
      boolean up = s.charAt(i - 1) == '+';
      blank();
      String name = name();
      if (name == null) {
        throw syntax();
      }
      long v = variable(name) + (up ? 1 : -1);
      vars.set(name, Long.toString(v));
      return v;
    }
    if (eat("!")) {
      return unary() == 0 ? 1 : 0;
    }
    if (eat("~")) {
      return ~unary();
    }
    if (eat("-")) {
      return -unary();
    }
    if (eat("+")) {
      return unary();
    }
    return postfix();
  }

  private long postfix() {
    blank();
    if (eat("(")) {
      long v = assignment();
      if (!eat(")")) {
        throw syntax();
      }
      return v;
    }
    String name = name();
    if (name != null) {
      long v = variable(name);
      if (eat("++") || eat("--")) {
        vars.set(name, Long.toString(v + (s.charAt(i - 1) == '+' ? 1 : -1)));
      }
      return v;
    }
    int start = i;
    while (i < s.length() && Character.isLetterOrDigit(s.charAt(i))) {
      i++;
    }
    if (start == i) {
      throw syntax();
    }
    return number(s.substring(start, i));
  }

  private String name() {
    int start = i;
    if (i < s.length() && (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_')) {
      while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
        i++;
      }
      return s.substring(start, i);
    }
    return null;
  }

  private long variable(String name) {
    String v = vars.get(name);
    if (v == null || v.isBlank()) {
      return 0;
    }
    return v.trim().matches("[-+]?\\w+") ? signed(v.trim()) : eval(v, vars);
  }

  private long signed(String v) {
    return v.startsWith("-") ? -number(v.substring(1)) : number(v.startsWith("+") ? v.substring(1) : v);
  }

  private long number(String n) {
    try {
      if (n.startsWith("0x") || n.startsWith("0X")) {
        return Long.parseUnsignedLong(n.substring(2), 16);
      }
      if (n.length() > 1 && n.startsWith("0")) {
        return Long.parseLong(n.substring(1), 8);
      }
      return Long.parseLong(n);
    } catch (NumberFormatException e) {
      throw syntax();
    }
  }
}
