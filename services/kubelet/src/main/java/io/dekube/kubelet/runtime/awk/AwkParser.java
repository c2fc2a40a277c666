package io.dekube.kubelet.runtime.awk;

import io.dekube.kubelet.runtime.awk.AwkLexer.Token;
import io.dekube.kubelet.runtime.awk.AwkLexer.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses an awk program into closures ({@link AwkProgram}): patterns and actions, BEGIN and END, user-defined
 * functions ({@link AwkFunction}), and the statements {@code print printf if while do for for-in next exit break
 * continue delete return}; expressions, {@code getline} among them, are {@link AwkExpressions}'.
 */
final class AwkParser extends AwkExpressions {

  private AwkParser(List<Token> tokens) {
    super(tokens);
  }

  static AwkProgram parse(String src) {
    return new AwkParser(AwkLexer.tokens(src)).program();
  }

  private AwkProgram program() {
    AwkProgram p = program;
    while (true) {
      skipTerminators();
      Token t = peek();
      if (t.type() == Type.EOF) {
        checkCalls();
        return p;
      }
      if (t.is("BEGIN") || t.is("END")) {
        pos++;
        skipNewlines();
        expect("{");
        (t.is("BEGIN") ? p.begin : p.end).add(block());
      } else if (t.is("function")) {
        pos++;
        function();
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

  /** {@code function NAME(PARAMS) { BODY }}, the keyword consumed. */
  private void function() {
    Token name = next();
    if (name.type() != Type.NAME) {
      throw new AwkException("syntax error: '" + name.text() + "' can't be a function's name");
    }
    if (program.functions.containsKey(name.text())) {
      throw new AwkException("function '" + name.text() + "' defined twice");
    }
    expect("(");
    List<String> params = new ArrayList<>();
    skipNewlines();
    if (!accept(")")) {
      do {
        skipNewlines();
        params.add(expectType(Type.NAME).text());
        skipNewlines();
      } while (accept(","));
      expect(")");
    }
    AwkFunction f = new AwkFunction(name.text(), params);
    program.functions.put(f.name, f);
    skipNewlines();
    expect("{");
    locals = params;
    try {
      f.body = block();
    } finally {
      locals = null;
    }
  }

  /** Every function called is defined, with no more arguments than it has parameters. */
  private void checkCalls() {
    for (AwkFunction.Call c : calls) {
      AwkFunction f = program.functions.get(c.name());
      if (f == null) {
        throw new AwkException("calling undefined function " + c.name());
      }
      if (c.args().size() > f.params.size()) {
        throw new AwkException("function " + c.name() + " called with " + c.args().size() + " args, accepts only "
            + f.params.size());
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
      AwkProgram.Variable var = name(next().text());
      pos++;
      AwkProgram.Variable array = name(next().text());
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
      AwkProgram.Variable array = name(expectType(Type.NAME).text());
      if (accept("[")) {
        AwkProgram.Expr key = subscript();
        return st -> array.array(st).remove(key.eval(st).toText());
      }
      return st -> array.array(st).clear();
    }
    if (accept("return")) {
      if (locals == null) {
        throw new AwkException("syntax error: return outside a function");
      }
      AwkProgram.Expr value = endOfSimple() ? null : expr();
      return st -> {
        throw new AwkFunction.Return(value == null ? AwkValue.EMPTY : value.eval(st));
      };
    }
    if (t.is("nextfile")) {
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
    AwkOutputs.Mode mode = accept(">") ? AwkOutputs.Mode.FILE : accept(">>") ? AwkOutputs.Mode.APPEND
        : accept("|") ? AwkOutputs.Mode.PIPE : null;
    AwkProgram.Expr target = null;
    if (mode != null) {
      Token t = peek();
      boolean standard = t.type() == Type.STRING && List.of("/dev/stdout", "/dev/stderr", "-").contains(t.text())
          && (tokens.get(pos + 1).is(";") || tokens.get(pos + 1).is("}") || tokens.get(pos + 1).type() == Type.NEWLINE
          || tokens.get(pos + 1).type() == Type.EOF);
      program.usesIo |= !standard; // a file or a command: not a filter of a pipe as it flows
      target = concatenation();
    }
    if (formatted && args.isEmpty()) {
      throw new AwkException("printf: no format");
    }
    return AwkProgram.print(formatted, args, mode, target);
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
}
