package io.dekube.kubelet.runtime.sh;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@link Token}s into a {@link Node} tree by POSIX sh's grammar: lists joined by {@code ;}, {@code &} and
 * newlines, {@code &&}/{@code ||}, pipelines, simple commands with assignments and redirections, {@code if},
 * {@code while}/{@code until}, {@code for}, {@code case}, {@code ( )}, {@code { }} and functions. Reserved words
 * count only where a command starts. Errors as ash words them. Pure.
 */
public final class Parser {

  private static final Set<String> CLOSERS = Set.of("then", "else", "elif", "fi", "do", "done", "esac", "}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)", Pattern.DOTALL);

  private final List<Token> tokens;
  private int p;

  private Parser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** The tree of a whole script ({@code sh -c}); an open here-document ends with the text. */
  static Node parse(String script) {
    return parse(script, true);
  }

  /** As {@link #parse(String)}; {@code whole} false: the text is lines read so far, more may follow. */
  static Node parse(String script, boolean whole) {
    Parser parser = new Parser(Lexer.tokens(script, whole));
    Node n = parser.list(true);
    if (parser.peek().kind() != Token.Kind.EOF) {
      throw parser.unexpected();
    }
    return n;
  }

  /** Whether {@code lines} read so far form whole commands (a syntax error counts as whole: it is reported). */
  public static boolean complete(String lines) {
    try {
      parse(lines, false);
      return true;
    } catch (ShellSyntaxError e) {
      return !e.incomplete();
    }
  }

  private Token peek() {
    return tokens.get(p);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(p + ahead, tokens.size() - 1));
  }

  private Token next() {
    Token t = tokens.get(p);
    if (t.kind() != Token.Kind.EOF) {
      p++;
    }
    return t;
  }

  private ShellSyntaxError unexpected() {
    Token t = peek();
    return new ShellSyntaxError("unexpected " + t.described(), t.kind() == Token.Kind.EOF);
  }

  private void skipNewlines() {
    while (peek().kind() == Token.Kind.NEWLINE) {
      next();
    }
  }

  private void expect(String word) {
    if (peek().kind() == Token.Kind.EOF) {
      throw new ShellSyntaxError("unexpected end of file (expecting \"" + word + "\")", true);
    }
    if (!peek().isWord(word)) {
      throw unexpected();
    }
    next();
  }

  private boolean atListEnd() {
    Token t = peek();
    return t.kind() == Token.Kind.EOF || t.isOp(")") || t.isOp(";;")
        || t.kind() == Token.Kind.WORD && CLOSERS.contains(t.text());
  }

  /** Commands up to a closing word, {@code )}, {@code ;;} or the end; {@code top}: it may be empty. */
  private Node list(boolean top) {
    List<Node> commands = new ArrayList<>();
    List<Boolean> background = new ArrayList<>();
    skipNewlines();
    while (!atListEnd()) {
      commands.add(andOr());
      Token sep = peek();
      boolean amp = sep.isOp("&");
      background.add(amp);
      if (amp || sep.isOp(";") || sep.kind() == Token.Kind.NEWLINE) {
        next();
        skipNewlines();
      } else {
        break;
      }
    }
    if (commands.isEmpty() && !top) {
      throw unexpected();
    }
    return commands.size() == 1 && !background.get(0) ? commands.get(0) : new Node.Sequence(commands, background);
  }

  private Node andOr() {
    Node left = pipeline();
    while (peek().isOp("&&") || peek().isOp("||")) {
      String op = next().text();
      skipNewlines();
      left = new Node.AndOr(left, op, pipeline());
    }
    return left;
  }

  private Node pipeline() {
    boolean negated = peek().isWord("!");
    if (negated) {
      next();
    }
    List<Node> stages = new ArrayList<>();
    stages.add(command());
    while (peek().isOp("|")) {
      next();
      skipNewlines();
      stages.add(command());
    }
    return stages.size() == 1 && !negated ? stages.get(0) : new Node.Pipeline(stages, negated);
  }

  private Node command() {
    Token t = peek();
    Node compound = null;
    if (t.isOp("(")) {
      next();
      Node body = list(false);
      if (!peek().isOp(")")) {
        throw unexpected();
      }
      next();
      compound = new Node.Group(body, true);
    } else if (t.kind() == Token.Kind.WORD) {
      compound = switch (t.text()) {
        case "if" -> ifClause();
        case "while", "until" -> loop();
        case "for" -> forClause();
        case "case" -> caseClause();
        case "{" -> braceGroup();
        case "[[" -> conditional();
        default -> null;
      };
      if (compound == null && CLOSERS.contains(t.text())) {
        throw unexpected();
      }
      if (compound == null && NAME.matcher(t.text()).matches() && peek(1).isOp("(") && peek(2).isOp(")")) {
        next();
        next();
        next();
        skipNewlines();
        return new Node.Function(t.text(), command());
      }
    }
    if (compound == null) {
      return simple();
    }
    List<Node.Redirect> redirects = new ArrayList<>();
    while (isRedirect(peek())) {
      redirects.add(redirect());
    }
    return redirects.isEmpty() ? compound : new Node.Redirected(compound, redirects);
  }

  private Node ifClause() {
    next();
    List<Node> conditions = new ArrayList<>();
    List<Node> bodies = new ArrayList<>();
    conditions.add(list(false));
    expect("then");
    bodies.add(list(false));
    Node orElse = null;
    while (true) {
      if (peek().isWord("elif")) {
        next();
        conditions.add(list(false));
        expect("then");
        bodies.add(list(false));
      } else if (peek().isWord("else")) {
        next();
        orElse = list(false);
        expect("fi");
        break;
      } else {
        expect("fi");
        break;
      }
    }
    return new Node.If(conditions, bodies, orElse);
  }

  private Node loop() {
    boolean until = next().text().equals("until");
    Node condition = list(false);
    expect("do");
    Node body = list(false);
    expect("done");
    return new Node.Loop(condition, body, until);
  }

  private Node forClause() {
    next();
    Token name = next();
    if (name.kind() != Token.Kind.WORD || !NAME.matcher(name.text()).matches()) {
      throw new ShellSyntaxError("bad for loop variable", false);
    }
    List<String> words = null;
    skipNewlines();
    if (peek().isWord("in")) {
      next();
      words = new ArrayList<>();
      while (peek().kind() == Token.Kind.WORD) {
        words.add(next().text());
      }
    }
    if (peek().isOp(";")) {
      next();
    } else if (peek().kind() != Token.Kind.NEWLINE && words != null) {
      throw unexpected();
    }
    skipNewlines();
    expect("do");
    Node body = list(false);
    expect("done");
    return new Node.For(name.text(), words, body);
  }

  private Node caseClause() {
    next();
    if (peek().kind() != Token.Kind.WORD) {
      throw unexpected();
    }
    String word = next().text();
    skipNewlines();
    expect("in");
    skipNewlines();
    List<Node.CaseArm> arms = new ArrayList<>();
    while (!peek().isWord("esac")) {
      if (peek().isOp("(")) {
        next();
      }
      List<String> patterns = new ArrayList<>();
      do {
        if (peek().kind() != Token.Kind.WORD) {
          throw unexpected();
        }
        patterns.add(next().text());
      } while (peek().isOp("|") && next() != null);
      if (!peek().isOp(")")) {
        throw unexpected();
      }
      next();
      skipNewlines();
      Node body = peek().isOp(";;") || peek().isWord("esac") ? null : list(false);
      arms.add(new Node.CaseArm(patterns, body));
      if (peek().isOp(";;")) {
        next();
        skipNewlines();
      } else if (!peek().isWord("esac")) {
        throw unexpected();
      }
    }
    next();
    return new Node.Case(word, arms);
  }

  /** bash's {@code [[ … ]]}: the lexer gave its words up to {@code ]]} ({@code Lexer#conditionalWords}). */
  private Node conditional() {
    next();
    List<String> words = new ArrayList<>();
    while (!peek().isWord("]]")) {
      if (peek().kind() != Token.Kind.WORD) {
        throw unexpected();
      }
      words.add(next().text());
    }
    next();
    if (words.isEmpty()) {
      throw new ShellSyntaxError("syntax error near `]]'", false);
    }
    return new Node.Cond(words);
  }

  private Node braceGroup() {
    next();
    Node body = list(false);
    expect("}");
    return new Node.Group(body, false);
  }

  private Node simple() {
    List<Node.Assignment> assignments = new ArrayList<>();
    List<String> words = new ArrayList<>();
    List<Node.Redirect> redirects = new ArrayList<>();
    while (true) {
      Token t = peek();
      if (isRedirect(t)) {
        redirects.add(redirect());
      } else if (t.kind() == Token.Kind.WORD) {
        var m = ASSIGNMENT.matcher(t.text());
        if (words.isEmpty() && m.matches() && m.group(2).isEmpty() && peek(1).isOp("(")) {
          next();
          assignments.add(new Node.Assignment(m.group(1), "", arrayWords()));
          continue;
        } else if (words.isEmpty() && m.matches()) {
          assignments.add(new Node.Assignment(m.group(1), m.group(2)));
        } else {
          words.add(t.text());
        }
        next();
      } else {
        break;
      }
    }
    if (assignments.isEmpty() && words.isEmpty() && redirects.isEmpty()) {
      throw unexpected();
    }
    return new Node.Simple(assignments, words, redirects);
  }

  /** bash's {@code (w1 w2 …)} of an array assignment, from its {@code (} to its {@code )}, newlines allowed. */
  private List<String> arrayWords() {
    next();
    List<String> elements = new ArrayList<>();
    while (true) {
      Token t = peek();
      if (t.kind() == Token.Kind.WORD) {
        elements.add(t.text());
      } else if (t.isOp(")")) {
        next();
        return elements;
      } else if (t.kind() != Token.Kind.NEWLINE) {
        throw unexpected();
      }
      next();
    }
  }

  private static boolean isRedirect(Token t) {
    return t.kind() == Token.Kind.OP && (t.text().startsWith("<") || t.text().startsWith(">"));
  }

  private Node.Redirect redirect() {
    Token op = next();
    if (op.hereDoc() != null) {
      String delimiter = peek().kind() == Token.Kind.WORD ? next().text() : null;
      if (delimiter == null) {
        throw unexpected();
      }
      return new Node.Redirect(op.fd(), "<<", delimiter, op.hereDoc());
    }
    if (peek().kind() != Token.Kind.WORD) {
      throw peek().kind() == Token.Kind.EOF ? new ShellSyntaxError("unexpected newline", false) : unexpected();
    }
    return new Node.Redirect(op.fd(), op.text(), next().text(), null);
  }
}
