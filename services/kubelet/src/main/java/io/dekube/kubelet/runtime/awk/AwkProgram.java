package io.dekube.kubelet.runtime.awk;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A parsed awk program: BEGIN actions, rules, END actions, and the closures its statements are made of. */
final class AwkProgram {

  /** An expression. */
  interface Expr {
    AwkValue eval(AwkState st);
  }

  /** A statement. */
  interface Stmt {
    void exec(AwkState st);
  }

  /** What can be assigned: a variable, an array element, a field. */
  interface LValue extends Expr {
    void set(AwkState st, AwkValue v);
  }

  /** {@code pattern [, until] { action }}; a null pattern matches every record, a null action prints it. */
  static final class Rule {
    final Expr pattern;
    final Expr until;
    final Stmt action;
    boolean inRange;

    Rule(Expr pattern, Expr until, Stmt action) {
      this.pattern = pattern;
      this.until = until;
      this.action = action;
    }

    boolean selects(AwkState st) {
      if (pattern == null) {
        return true;
      }
      if (until == null) {
        return pattern.eval(st).truthy();
      }
      if (!inRange) {
        if (!pattern.eval(st).truthy()) {
          return false;
        }
        inRange = !until.eval(st).truthy();
        return true;
      }
      inRange = !until.eval(st).truthy();
      return true;
    }
  }

  /** {@code next}. */
  static final class Next extends RuntimeException {
    static final Next INSTANCE = new Next();

    private Next() {
      super(null, null, false, false);
    }
  }

  /** {@code break}. */
  static final class Break extends RuntimeException {
    static final Break INSTANCE = new Break();

    private Break() {
      super(null, null, false, false);
    }
  }

  /** {@code continue}. */
  static final class Continue extends RuntimeException {
    static final Continue INSTANCE = new Continue();

    private Continue() {
      super(null, null, false, false);
    }
  }

  /** {@code exit [code]}. */
  static final class Exit extends RuntimeException {
    final int code;

    Exit(int code) {
      super(null, null, false, false);
      this.code = code;
    }
  }

  final List<Stmt> begin = new ArrayList<>();
  final List<Rule> rules = new ArrayList<>();
  final List<Stmt> end = new ArrayList<>();
  final java.util.Map<String, AwkFunction> functions = new java.util.HashMap<>();
  /** Whether it uses getline, close, system or prints to a file or command: it runs where it may reach those. */
  boolean usesIo;
  /** Whether a plain {@code getline [var]} reads the main input (a BEGIN action may then read it). */
  boolean readsByGetline;

  /** A variable: a global by its name, or a user function's local ({@code slot} 0 and up). */
  record Variable(String name, int slot) implements LValue {
    @Override
    public AwkValue eval(AwkState st) {
      return slot < 0 ? st.get(name) : st.local(slot).get(name);
    }

    @Override
    public void set(AwkState st, AwkValue v) {
      if (slot < 0) {
        st.set(name, v);
      } else {
        st.local(slot).set(name, v);
      }
    }

    /** The array of that name (made when first used as one). */
    java.util.Map<String, AwkValue> array(AwkState st) {
      return slot < 0 ? st.array(name) : st.local(slot).array(name);
    }

    boolean isArray(AwkState st) {
      return slot < 0 ? st.isArray(name) : st.local(slot).isArray();
    }

    /** What a function's parameter gets from this argument: its value, its array, or a way to make that array. */
    AwkLocal pass(AwkState st) {
      if (slot >= 0) {
        AwkLocal mine = st.local(slot);
        return mine.isArray() ? AwkLocal.array(mine.array(name))
            : mine.isUnset() ? AwkLocal.unsetOf(() -> mine.array(name)) : AwkLocal.scalar(mine.get(name));
      }
      return st.isArray(name) ? AwkLocal.array(st.array(name))
          : st.isUnset(name) ? AwkLocal.unsetOf(() -> st.array(name)) : AwkLocal.scalar(st.get(name));
    }
  }

  static LValue element(Variable array, Expr key) {
    return new LValue() {
      @Override
      public AwkValue eval(AwkState st) {
        return array.array(st).computeIfAbsent(key.eval(st).toText(), k -> AwkValue.EMPTY);
      }

      @Override
      public void set(AwkState st, AwkValue v) {
        array.array(st).put(key.eval(st).toText(), v);
      }
    };
  }

  static LValue field(Expr index) {
    return new LValue() {
      @Override
      public AwkValue eval(AwkState st) {
        return st.field(index(st));
      }

      @Override
      public void set(AwkState st, AwkValue v) {
        st.setField(index(st), v.toText());
      }

      private int index(AwkState st) {
        double i = index.eval(st).toNumber();
        if (i < 0) {
          throw new AwkException("trying to access out of range field " + AwkValue.format(i));
        }
        return (int) i;
      }
    };
  }

  /** A {@code /regex/} on its own matches the record. */
  static Expr regexLiteral(String re) {
    Pattern p = AwkState.compile(re);
    return new RegexLiteral(p);
  }

  /** A regular expression written as {@code /re/}, so that {@code ~} and the functions use it as is. */
  record RegexLiteral(Pattern pattern) implements Expr {
    @Override
    public AwkValue eval(AwkState st) {
      return AwkValue.of(pattern.matcher(st.field(0).toText()).find());
    }
  }

  static Expr assign(LValue target, String op, Expr value) {
    if (op.equals("=")) {
      return st -> {
        AwkValue v = value.eval(st);
        target.set(st, v);
        return v;
      };
    }
    Expr combined = arithmetic(target, op.substring(0, 1), value);
    return st -> {
      AwkValue v = combined.eval(st);
      target.set(st, v);
      return v;
    };
  }

  static Expr increment(LValue target, int by, boolean prefix) {
    return st -> {
      double old = target.eval(st).toNumber();
      target.set(st, AwkValue.of(old + by));
      return AwkValue.of(prefix ? old + by : old);
    };
  }

  static Expr arithmetic(Expr l, String op, Expr r) {
    return st -> {
      double a = l.eval(st).toNumber();
      double b = r.eval(st).toNumber();
      return AwkValue.of(switch (op) {
        case "+" -> a + b;
        case "-" -> a - b;
        case "*" -> a * b;
        case "/" -> {
          if (b == 0) {
            throw new AwkException("division by zero");
          }
          yield a / b;
        }
        case "%" -> {
          if (b == 0) {
            throw new AwkException("division by zero in %");
          }
          yield a % b;
        }
        default -> Math.pow(a, b);
      });
    };
  }

  static Expr compare(Expr l, String op, Expr r) {
    return st -> {
      AwkValue a = l.eval(st);
      AwkValue b = r.eval(st);
      int c = a.numeric() && b.numeric() ? Double.compare(a.toNumber(), b.toNumber())
          : a.toText().compareTo(b.toText());
      return AwkValue.of(switch (op) {
        case "<" -> c < 0;
        case "<=" -> c <= 0;
        case "==" -> c == 0;
        case "!=" -> c != 0;
        case ">=" -> c >= 0;
        default -> c > 0;
      });
    };
  }

  static Stmt print(boolean formatted, List<Expr> args, AwkOutputs.Mode mode, Expr target) {
    return st -> {
      String text;
      if (formatted) {
        List<AwkValue> values = new ArrayList<>();
        args.forEach(a -> values.add(a.eval(st)));
        text = AwkFormat.format(values.get(0).toText(), values.subList(1, values.size()));
      } else if (args.isEmpty()) {
        text = st.field(0).toText() + st.get("ORS").toText();
      } else {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
          AwkValue v = args.get(i).eval(st);
          b.append(i == 0 ? "" : st.get("OFS").toText()).append(v.kind() == AwkValue.Kind.NUMBER
              ? AwkValue.format(v.number()) : v.toText());
        }
        text = b.append(st.get("ORS").toText()).toString();
      }
      st.write(mode, target == null ? null : target.eval(st).toText(), text);
    };
  }

  static void loop(AwkState st, Expr cond, Stmt body, Stmt step) {
    while (cond == null || cond.eval(st).truthy()) {
      st.tick();
      try {
        if (body != null) {
          body.exec(st);
        }
      } catch (Break b) {
        return;
      } catch (Continue c) {
        // next round
      }
      if (step != null) {
        step.exec(st);
      }
    }
  }

  static Stmt whileLoop(Expr cond, Stmt body) {
    return st -> loop(st, cond, body, null);
  }

  static Stmt doLoop(Stmt body, Expr cond) {
    return st -> {
      try {
        body.exec(st);
      } catch (Break b) {
        return;
      } catch (Continue c) {
        // to the condition
      }
      loop(st, cond, body, null);
    };
  }

  static Stmt forLoop(Stmt init, Expr cond, Stmt step, Stmt body) {
    return st -> {
      if (init != null) {
        init.exec(st);
      }
      loop(st, cond, body, step);
    };
  }

  static Stmt forIn(Variable var, Variable array, Stmt body) {
    return st -> {
      for (String key : new ArrayList<>(array.array(st).keySet())) {
        var.set(st, AwkValue.input(key));
        try {
          body.exec(st);
        } catch (Break b) {
          return;
        } catch (Continue c) {
          // next key
        }
      }
    };
  }
}
