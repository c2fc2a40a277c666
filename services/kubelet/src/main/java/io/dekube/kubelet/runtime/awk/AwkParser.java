package io.dekube.kubelet.runtime.awk;

import io.dekube.kubelet.runtime.awk.AwkLexer.Token;
import io.dekube.kubelet.runtime.awk.AwkLexer.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses an awk program into closures ({@link AwkProgram}): patterns and actions, BEGIN and END, the statements
 * {@code print printf if while do for for-in next exit break continue delete} and awk's expressions with their
 * precedence (assignment, {@code ?:}, {@code || && in ~ !~}, comparisons, concatenation, arithmetic, {@code ^},
 * {@code ! -}, {@code ++ --}, {@code $}). User functions and {@code getline} are refused with a clear error.
 */
final class AwkParser {

  private final List<Token> tokens;
  private int pos;
  private boolean noGreater; // in print's list, '>' is a redirection
  private boolean noIn; // in for's init, 'in' belongs to for-in

  private AwkParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  static AwkProgram parse(String src) {
    return new AwkParser(AwkLexer.tokens(src)).program();
  }

  private AwkProgram program() {
    AwkProgram p = new AwkProgram();
    while (true) {
      skipTerminators();
      Token t = peek();
      if (t.type() == Type.EOF) {
        return p;
      }
      if (t.is("BEGIN") || t.is("END")) {
        pos++;
        skipNewlines();
        expect("{");
        (t.is("BEGIN") ? p.begin : p.end).add(block());
      } else if (t.is("function")) {
        throw new AwkException("user-defined functions are not supported by dekube's awk");
      } else {
        AwkProgram.Expr pattern = t.is("{") ? null : expr();
        AwkProgram.Expr until = null;
        if (accept(",")) {
          skipNewlines();
          until = expr();
        }
        AwkProgram.Stmt action = null;
        if (accept("{")) {
          action = block();
        }
        p.rules.add(new AwkProgram.Rule(pattern, until, action));
      }
    }
  }

  /** The statements up to the closing brace (the opening one consumed). */
  private AwkProgram.Stmt block() {
    List<AwkProgram.Stmt> list = new ArrayList<>();
    while (true) {
      skipTerminators();
      if (accept("}")) {
        return st -> list.forEach(s -> s.exec(st));
      }
      if (peek().type() == Type.EOF) {
        throw new AwkException("syntax error: unexpected end of program (missing '}')");
      }
      list.add(statement());
    }
  }

  private AwkProgram.Stmt statement() {
    Token t = peek();
    if (accept("{")) {
      return block();
    }
    if (accept(";")) {
      return st -> { };
    }
    if (accept("if")) {
      AwkProgram.Expr c = condition();
      AwkProgram.Stmt then = statement();
      int save = pos;
      skipTerminators();
      if (accept("else")) {
        skipNewlines();
        AwkProgram.Stmt otherwise = statement();
        return st -> (c.eval(st).truthy() ? then : otherwise).exec(st);
      }
      pos = save;
      return st -> {
        if (c.eval(st).truthy()) {
          then.exec(st);
        }
      };
    }
    if (accept("while")) {
      AwkProgram.Expr c = condition();
      if (accept(";")) {
        return st -> AwkProgram.loop(st, c, null, null);
      }
      return AwkProgram.whileLoop(c, statement());
    }
    if (accept("do")) {
      skipNewlines();
      AwkProgram.Stmt body = statement();
      skipTerminators();
      expect("while");
      return AwkProgram.doLoop(body, condition());
    }
    if (accept("for")) {
      return forLoop();
    }
    AwkProgram.Stmt s = simple();
    if (!(peek().is(";") || peek().is("}") || peek().type() == Type.NEWLINE || peek().type() == Type.EOF)) {
      throw unexpected(peek());
    }
    return s;
  }

  private AwkProgram.Stmt forLoop() {
    expect("(");
    if (peek().type() == Type.NAME && tokens.get(pos + 1).is("in") && tokens.get(pos + 3).is(")")) {
      String var = next().text();
      pos++;
      String array = next().text();
      expect(")");
      skipNewlines();
      return AwkProgram.forIn(var, array, statement());
    }
    noIn = true;
    AwkProgram.Stmt init = peek().is(";") ? null : simple();
    noIn = false;
    expect(";");
    skipNewlines();
    AwkProgram.Expr cond = peek().is(";") ? null : expr();
    expect(";");
    skipNewlines();
    AwkProgram.Stmt step = peek().is(")") ? null : simple();
    expect(")");
    if (accept(";")) {
      return AwkProgram.forLoop(init, cond, step, st -> { });
    }
    skipNewlines();
    return AwkProgram.forLoop(init, cond, step, statement());
  }

  private AwkProgram.Expr condition() {
    expect("(");
    AwkProgram.Expr c = expr();
    expect(")");
    skipNewlines();
    return c;
  }

  private AwkProgram.Stmt simple() {
    Token t = peek();
    if (accept("print") || accept("printf")) {
      return print(t.text().equals("printf"));
    }
    if (accept("next")) {
      return st -> {
        throw AwkProgram.Next.INSTANCE;
      };
    }
    if (accept("exit")) {
      AwkProgram.Expr code = endOfSimple() ? null : expr();
      return st -> {
        throw new AwkProgram.Exit(code == null ? st.exitCode : (int) code.eval(st).toNumber());
      };
    }
    if (accept("break")) {
      return st -> {
        throw AwkProgram.Break.INSTANCE;
      };
    }
    if (accept("continue")) {
      return st -> {
        throw AwkProgram.Continue.INSTANCE;
      };
    }
    if (accept("delete")) {
      String name = expectType(Type.NAME).text();
      if (accept("[")) {
        AwkProgram.Expr key = subscript();
        return st -> st.array(name).remove(key.eval(st).toText());
      }
      return st -> st.array(name).clear();
    }
    if (t.is("getline") || t.is("return") || t.is("nextfile")) {
      throw new AwkException(t.text() + " is not supported by dekube's awk");
    }
    AwkProgram.Expr e = expr();
    return e::eval;
  }

  private AwkProgram.Stmt print(boolean formatted) {
    List<AwkProgram.Expr> args = new ArrayList<>();
    noGreater = true;
    if (peek().is("(") && parenthesizedList(args)) {
      // print("a", "b") > f
    } else if (!endOfSimple() && !peek().is(">") && !peek().is(">>") && !peek().is("|")) {
      args.add(expr());
      while (accept(",")) {
        skipNewlines();
        args.add(expr());
      }
    }
    noGreater = false;
    AwkProgram.Expr target = null;
    if (accept(">") || accept(">>")) {
      target = concatenation();
    } else if (peek().is("|")) {
      throw new AwkException("output to a command is not supported by dekube's awk");
    }
    if (formatted && args.isEmpty()) {
      throw new AwkException("printf: no format");
    }
    return AwkProgram.print(formatted, args, target);
  }

  /** {@code (e, e...)} followed by the end of a print statement or a redirection; restores when not. */
  private boolean parenthesizedList(List<AwkProgram.Expr> args) {
    int save = pos;
    boolean savedGreater = noGreater;
    pos++;
    noGreater = false;
    try {
      List<AwkProgram.Expr> list = new ArrayList<>();
      list.add(expr());
      while (accept(",")) {
        skipNewlines();
        list.add(expr());
      }
      if (accept(")") && (endOfSimple() || peek().is(">") || peek().is(">>") || peek().is("|"))) {
        args.addAll(list);
        return true;
      }
    } catch (AwkException e) {
      // not a list: read it again as an expression
    } finally {
      noGreater = savedGreater;
    }
    pos = save;
    return false;
  }

  private boolean endOfSimple() {
    Token t = peek();
    return t.is(";") || t.is("}") || t.type() == Type.NEWLINE || t.type() == Type.EOF;
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
      String array = expectType(Type.NAME).text();
      AwkProgram.Expr key = l;
      l = st -> AwkValue.of(st.array(array).containsKey(key.eval(st).toText()));
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
    Token t = peek();
    if (t.type() == Type.OP && t.text().matches("<|<=|==|!=|>=|>") && !(noGreater && t.text().equals(">"))) {
      pos++;
      AwkProgram.Expr r = concatenation();
      return AwkProgram.compare(l, t.text(), r);
    }
    return l;
  }

  private AwkProgram.Expr concatenation() {
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
        return AwkBuiltins.call(t.text(), arguments(t.text()));
      }
      case NAME -> {
        if (accept("[")) {
          return AwkProgram.element(t.text(), subscript());
        }
        if (peek().is("(") && peek().pos() == t.pos() + t.text().length()) {
          throw new AwkException("calling function " + t.text() + " which is never defined");
        }
        return AwkProgram.variable(t.text());
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
      throw new AwkException("getline is not supported by dekube's awk");
    }
    throw unexpected(t);
  }

  /** A builtin's arguments; {@code length} may go without parentheses. */
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
          args.add(AwkProgram.variable(next().text())); // a bare name: a scalar or an array (split, length)
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
  private AwkProgram.Expr subscript() {
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

  private void skipTerminators() {
    while (peek().type() == Type.NEWLINE || peek().is(";")) {
      pos++;
    }
  }

  private void skipNewlines() {
    while (peek().type() == Type.NEWLINE) {
      pos++;
    }
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token next() {
    Token t = tokens.get(pos);
    if (t.type() != Type.EOF) {
      pos++;
    }
    return t;
  }

  private boolean accept(String s) {
    if (peek().is(s)) {
      pos++;
      return true;
    }
    return false;
  }

  private void expect(String s) {
    if (!accept(s)) {
      throw unexpected(peek());
    }
  }

  private Token expectType(Type type) {
    if (peek().type() != type) {
      throw unexpected(peek());
    }
    return next();
  }

  private static AwkException unexpected(Token t) {
    return new AwkException("syntax error: unexpected " + (t.type() == Type.EOF ? "end of program"
        : t.type() == Type.NEWLINE ? "newline" : "'" + t.text() + "'"));
  }
}
