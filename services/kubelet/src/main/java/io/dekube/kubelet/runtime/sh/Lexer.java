package io.dekube.kubelet.runtime.sh;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script into {@link Token}s as POSIX sh does: blanks separate words, quotes and substitutions stay
 * inside the word they belong to, {@code #} starts a comment, {@code \}-newline joins lines, digits right
 * before {@code <} or {@code >} name a file descriptor, and the lines after a {@code <<WORD} are that
 * here-document's body up to the line {@code WORD}. Pure.
 */
final class Lexer {

  private static final List<String> OPERATORS = List.of("&&", "||", ";;", "<<-", "<<", ">>", ">&", "<&", "<>", ">|",
      ";", "&", "|", "(", ")", "<", ">");

  private final String s;
  private final boolean hereDocEndsAtEof;
  private final List<Token> tokens = new ArrayList<>();
  private final List<Token.HereDoc> pending = new ArrayList<>();
  private final List<String> delimiters = new ArrayList<>();
  private final List<Boolean> stripTabs = new ArrayList<>();
  private int i;

  private Lexer(String s, boolean hereDocEndsAtEof) {
    this.s = s;
    this.hereDocEndsAtEof = hereDocEndsAtEof;
  }

  /**
   * The tokens of {@code script}, ending in EOF. {@code hereDocEndsAtEof}: the end of the text ends an open
   * here-document (a whole {@code sh -c} script), else the script is incomplete (a shell reading lines).
   */
  static List<Token> tokens(String script, boolean hereDocEndsAtEof) {
    Lexer l = new Lexer(script, hereDocEndsAtEof);
    l.run();
    return l.tokens;
  }

  private void run() {
    while (true) {
      skipBlanks();
      if (i >= s.length()) {
        break;
      }
      char c = s.charAt(i);
      if (c == '#') {
        while (i < s.length() && s.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '\n') {
        i++;
        tokens.add(new Token(Token.Kind.NEWLINE, "\n", -1, null));
        readHereDocs();
      } else if (operatorAt(i) != null) {
        operator(-1);
      } else {
        word();
      }
    }
    if (!pending.isEmpty()) {
      readHereDocs();
    }
    tokens.add(new Token(Token.Kind.EOF, "", -1, null));
  }

  private void skipBlanks() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r') {
        i++;
      } else if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
        i += 2;
      } else {
        return;
      }
    }
  }

  private String operatorAt(int at) {
    for (String op : OPERATORS) {
      if (s.startsWith(op, at)) {
        return op;
      }
    }
    return null;
  }

  private void operator(int fd) {
    String op = operatorAt(i);
    i += op.length();
    Token.HereDoc doc = null;
    if (op.startsWith("<<")) {
      doc = new Token.HereDoc();
      pending.add(doc);
      stripTabs.add(op.equals("<<-"));
      skipBlanks();
      int start = i;
      int end = wordEnd();
      String raw = s.substring(start, end);
      doc.quoted = raw.indexOf('\'') >= 0 || raw.indexOf('"') >= 0 || raw.indexOf('\\') >= 0;
      delimiters.add(raw.replaceAll("['\"\\\\]", ""));
      tokens.add(Token.op(op, fd, doc));
      if (end > start) {
        tokens.add(Token.word(raw));
      }
      i = end;
      return;
    }
    tokens.add(Token.op(op, fd, null));
  }

  private void word() {
    int start = i;
    int end = wordEnd();
    String text = s.substring(start, end).replace("\\\n", "");
    i = end;
    if (i < s.length() && (s.charAt(i) == '<' || s.charAt(i) == '>') && text.matches("\\d{1,2}")) {
      operator(Integer.parseInt(text));
      return;
    }
    tokens.add(Token.word(text));
    if (text.equals("[[") && atCommandStart(tokens.size() - 1)) {
      conditionalWords();
    }
  }

  private static final java.util.Set<String> OPENERS = java.util.Set.of("if", "then", "else", "elif", "while", "until",
      "do", "!", "{");

  /** Whether the token at {@code k} starts a command: after a newline, an operator other than a redirection, a keyword. */
  private boolean atCommandStart(int k) {
    if (k == 0) {
      return true;
    }
    Token prev = tokens.get(k - 1);
    return prev.kind() == Token.Kind.NEWLINE || prev.kind() == Token.Kind.OP && prev.hereDoc() == null
        && !prev.text().startsWith("<") && !prev.text().startsWith(">") && prev.fd() < 0
        || prev.kind() == Token.Kind.WORD && OPENERS.contains(prev.text());
  }

  /**
   * The words of bash's {@code [[ … ]]} after its {@code [[}: separated by blanks only, so that a regex keeps its
   * {@code ( ) |} ({@code -([0-9]+)$}), up to and with the word {@code ]]}; an operator right after {@code ]]} is
   * read as usual.
   */
  private void conditionalWords() {
    while (true) {
      skipBlanks();
      if (i >= s.length()) {
        throw new ShellSyntaxError("unexpected end of file (expecting \"]]\")", true);
      }
      if (s.charAt(i) == '\n') {
        i++;
        continue;
      }
      if (s.startsWith("]]", i) && (i + 2 >= s.length() || " \t\r\n;&|)<>".indexOf(s.charAt(i + 2)) >= 0)) {
        i += 2;
        tokens.add(Token.word("]]"));
        return;
      }
      int j = i;
      while (j < s.length() && " \t\r\n".indexOf(s.charAt(j)) < 0) {
        int next = Scan.next(s, j, false);
        if (next < 0) {
          throw new ShellSyntaxError("unexpected end of file", true);
        }
        j = next;
      }
      tokens.add(Token.word(s.substring(i, j)));
      i = j;
    }
  }

  /** Where the word starting at {@code i} ends: at an unquoted blank, newline or operator character. */
  private int wordEnd() {
    int j = i;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || ";&|()<>".indexOf(c) >= 0) {
        return j;
      }
      int next = Scan.next(s, j, false);
      if (next < 0) {
        throw new ShellSyntaxError(c == '\'' || c == '"' ? "unterminated quoted string"
            : "unexpected end of file", true);
      }
      j = next;
    }
    return j;
  }

  /** The bodies of the here-documents opened on the line just ended. */
  private void readHereDocs() {
    for (int k = 0; k < pending.size(); k++) {
      StringBuilder body = new StringBuilder();
      boolean found = false;
      while (i < s.length()) {
        int eol = s.indexOf('\n', i);
        String line = s.substring(i, eol < 0 ? s.length() : eol);
        i = eol < 0 ? s.length() : eol + 1;
        if (stripTabs.get(k)) {
          line = line.replaceFirst("^\t+", "");
        }
        if (line.equals(delimiters.get(k))) {
          found = true;
          break;
        }
        body.append(line).append('\n');
      }
      if (!found && !hereDocEndsAtEof) {
        throw new ShellSyntaxError("unexpected end of file", true);
      }
      pending.get(k).body = body.toString();
    }
    pending.clear();
    delimiters.clear();
    stripTabs.clear();
  }
}
