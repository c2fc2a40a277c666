package io.dekube.kubelet.runtime.awk;

import io.dekube.kubelet.runtime.awk.AwkLexer.Token;
import io.dekube.kubelet.runtime.awk.AwkLexer.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * awk's expressions with their precedence, lowest first: assignment, {@code ?:}, {@code ||}, {@code &&},
 * {@code in}, {@code ~ !~}, comparisons, concatenation, {@code + -}, {@code * / %}, {@code ! -} (unary),
 * {@code ^}, {@code ++ --}, {@code $} and the operands.
 */
abstract class AwkExpressions extends AwkTokens {

  /** The program being parsed: its functions, and whether it reads files or runs commands. */
  final AwkProgram program = new AwkProgram();
  /** The calls of user functions, checked against their definitions once all are parsed. */
  final List<AwkFunction.Call> calls = new ArrayList<>();

  AwkExpressions(List<Token> tokens) {
    super(tokens);
  }

  /** Variable {@code name}: the current function's local, or a global. */
  AwkProgram.Variable name(String name) {
    return new AwkProgram.Variable(name, locals == null ? -1 : locals.indexOf(name));
  }

  AwkProgram.Expr expr() {
    AwkProgram.Expr left = ternary();
    Token t = peek();
    if (t.type() == Type.OP && t.text().matches("[-+*/%^]?=") && left instanceof AwkProgram.LValue lv) {
      pos++;
      skipNewlines();
      AwkProgram.Expr right = expr();
      return AwkProgram.assign(lv, t.text(), right);
    }
    return left;
  }

  private AwkProgram.Expr ternary() {
    AwkProgram.Expr c = or();
    if (accept("?")) {
      skipNewlines();
      AwkProgram.Expr a = ternary();
      skipNewlines();
      expect(":");
      skipNewlines();
      AwkProgram.Expr b = ternary();
      return st -> (c.eval(st).truthy() ? a : b).eval(st);
    }
    return c;
  }

  private AwkProgram.Expr or() {
    AwkProgram.Expr l = and();
    while (accept("||")) {
      skipNewlines();
      AwkProgram.Expr a = l;
      AwkProgram.Expr r = and();
      l = st -> AwkValue.of(a.eval(st).truthy() || r.eval(st).truthy());
    }
    return l;
  }

  private AwkProgram.Expr and() {
    AwkProgram.Expr l = in();
    while (accept("&&")) {
      skipNewlines();
      AwkProgram.Expr a = l;
      AwkProgram.Expr r = in();
      l = st -> AwkValue.of(a.eval(st).truthy() && r.eval(st).truthy());
    }
    return l;
  }

  private AwkProgram.Expr in() {
    AwkProgram.Expr l = match();
    while (!noIn && accept("in")) {
      AwkProgram.Variable array = name(expectType(Type.NAME).text());
      AwkProgram.Expr key = l;
      l = st -> AwkValue.of(array.array(st).containsKey(key.eval(st).toText()));
    }
    return l;
  }

  private AwkProgram.Expr match() {
    AwkProgram.Expr l = comparison();
    while (peek().is("~") || peek().is("!~")) {
      boolean negate = next().text().equals("!~");
      AwkProgram.Expr s = l;
      AwkProgram.Expr re = comparison();
      l = st -> AwkValue.of(st.regex(re, true).matcher(s.eval(st).toText()).find() != negate);
    }
    return l;
  }

  private AwkProgram.Expr comparison() {
    AwkProgram.Expr l = concatenation();
    while (peek().is("|") && tokens.get(pos + 1).is("getline")) { // "cmd" | getline [var]
      pos += 2;
      program.usesIo = true;
      l = AwkGetline.command(l, getlineTarget());
    }
    Token t = peek();
    if (t.type() == Type.OP && t.text().matches("<|<=|==|!=|>=|>") && !(noGreater && t.text().equals(">"))) {
      pos++;
      AwkProgram.Expr r = concatenation();
      return AwkProgram.compare(l, t.text(), r);
    }
    return l;
  }

  AwkProgram.Expr concatenation() {
    AwkProgram.Expr l = additive();
    while (startsOperand(peek())) {
      AwkProgram.Expr a = l;
      AwkProgram.Expr r = additive();
      l = st -> AwkValue.string(a.eval(st).toText() + r.eval(st).toText());
    }
    return l;
  }

  private boolean startsOperand(Token t) {
    return switch (t.type()) {
      case NUMBER, STRING, REGEX, NAME, FUNC -> true;
      case OP -> t.text().equals("$") || t.text().equals("(") || t.text().equals("++") || t.text().equals("--");
      default -> false;
    };
  }

  private AwkProgram.Expr additive() {
    AwkProgram.Expr l = multiplicative();
    while (peek().is("+") || peek().is("-")) {
      String op = next().text();
      l = AwkProgram.arithmetic(l, op, multiplicative());
    }
    return l;
  }

  private AwkProgram.Expr multiplicative() {
    AwkProgram.Expr l = unary();
    while (peek().is("*") || peek().is("/") || peek().is("%")) {
      String op = next().text();
      l = AwkProgram.arithmetic(l, op, unary());
    }
    return l;
  }

  private AwkProgram.Expr unary() {
    if (accept("!")) {
      AwkProgram.Expr e = unary();
      return st -> AwkValue.of(!e.eval(st).truthy());
    }
    if (accept("-")) {
      AwkProgram.Expr e = unary();
      return st -> AwkValue.of(-e.eval(st).toNumber());
    }
    if (accept("+")) {
      AwkProgram.Expr e = unary();
      return st -> AwkValue.of(e.eval(st).toNumber());
    }
    return power();
  }

  private AwkProgram.Expr power() {
    AwkProgram.Expr l = postfix();
    if (accept("^")) {
      return AwkProgram.arithmetic(l, "^", unary());
    }
    return l;
  }

  private AwkProgram.Expr postfix() {
    if (peek().is("++") || peek().is("--")) {
      String op = next().text();
      AwkProgram.Expr target = postfix();
      if (!(target instanceof AwkProgram.LValue lv)) {
        throw new AwkException("syntax error: " + op + " needs a variable");
      }
      return AwkProgram.increment(lv, op.equals("++") ? 1 : -1, true);
    }
    AwkProgram.Expr p = primary();
    if (p instanceof AwkProgram.LValue lv && (peek().is("++") || peek().is("--"))) {
      return AwkProgram.increment(lv, next().text().equals("++") ? 1 : -1, false);
    }
    return p;
  }

  private AwkProgram.Expr primary() {
    Token t = next();
    switch (t.type()) {
      case NUMBER -> {
        AwkValue v = AwkValue.of(AwkValue.leadingNumber(t.text()));
        return st -> v;
      }
      case STRING -> {
        AwkValue v = AwkValue.string(t.text());
        return st -> v;
      }
      case REGEX -> {
        return AwkProgram.regexLiteral(t.text());
      }
      case FUNC -> {
        program.usesIo |= t.text().equals("close") || t.text().equals("system");
        return AwkBuiltins.call(t.text(), arguments(t.text()));
      }
      case NAME -> {
        if (accept("[")) {
          return AwkProgram.element(name(t.text()), subscript());
        }
        if (peek().is("(") && peek().pos() == t.pos() + t.text().length()) {
          AwkFunction.Call call = new AwkFunction.Call(t.text(), arguments(t.text()), program.functions);
          calls.add(call);
          return call;
        }
        return name(t.text());
      }
      default -> {
      }
    }
    if (t.is("$")) {
      AwkProgram.Expr index = peek().is("++") || peek().is("--") ? postfix() : primary();
      return AwkProgram.field(index);
    }
    if (t.is("(")) {
      boolean savedGreater = noGreater;
      boolean savedIn = noIn;
      noGreater = false;
      noIn = false;
      AwkProgram.Expr e = expr();
      noGreater = savedGreater;
      noIn = savedIn;
      expect(")");
      return e;
    }
    if (t.is("getline")) {
      program.usesIo = true;
      AwkProgram.LValue var = getlineTarget();
      if (accept("<")) {
        return AwkGetline.file(var, postfix());
      }
      program.readsByGetline = true;
      return AwkGetline.main(var);
    }
    throw unexpected(t);
  }

  /** The variable, element or field after {@code getline}, if any. */
  private AwkProgram.LValue getlineTarget() {
    if (peek().type() != Type.NAME && !peek().is("$")) {
      return null;
    }
    if (primary() instanceof AwkProgram.LValue lv) {
      return lv;
    }
    throw new AwkException("syntax error: getline reads into a variable, an element or a field");
  }

  /** A function's arguments; the builtin {@code length} may go without parentheses. */
  private List<AwkProgram.Expr> arguments(String name) {
    List<AwkProgram.Expr> args = new ArrayList<>();
    if (!accept("(")) {
      if (name.equals("length")) {
        return args;
      }
      throw new AwkException("syntax error: " + name + " needs (");
    }
    boolean savedGreater = noGreater;
    noGreater = false;
    if (!accept(")")) {
      do {
        skipNewlines();
        if (peek().type() == Type.NAME && (tokens.get(pos + 1).is(",") || tokens.get(pos + 1).is(")"))) {
          args.add(name(next().text())); // a bare name: a scalar or an array (split, length, a user function's)
        } else {
          args.add(expr());
        }
      } while (accept(","));
      expect(")");
    }
    noGreater = savedGreater;
    return args;
  }

  /** {@code [e]} or {@code [e, e]} (joined by SUBSEP); the opening bracket consumed. */
  AwkProgram.Expr subscript() {
    List<AwkProgram.Expr> keys = new ArrayList<>();
    do {
      keys.add(expr());
    } while (accept(","));
    expect("]");
    if (keys.size() == 1) {
      return keys.get(0);
    }
    return st -> {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < keys.size(); i++) {
        b.append(i == 0 ? "" : st.get("SUBSEP").toText()).append(keys.get(i).eval(st).toText());
      }
      return AwkValue.string(b.toString());
    };
  }

}
