package io.dekube.kubelet.runtime.sh;

/**
 * One token of a script: a word (its text as written, quotes included), an operator ({@code ;}, {@code &&},
 * {@code >>}…), a newline, or the end. A redirection operator carries the file descriptor written before it
 * ({@code 2>}: 2; none: -1) and, for {@code <<}, the here-document read after the line.
 */
record Token(Kind kind, String text, int fd, HereDoc hereDoc) {

  enum Kind { WORD, OP, NEWLINE, EOF }

  /** The body of a here-document, filled in when the lexer reaches the line after its operator. */
  static final class HereDoc {
    String body = "";
    /** The delimiter had quotes: the body is taken as it is, without expansion. */
    boolean quoted;
  }

  static Token word(String text) {
    return new Token(Kind.WORD, text, -1, null);
  }

  static Token op(String text, int fd, HereDoc hereDoc) {
    return new Token(Kind.OP, text, fd, hereDoc);
  }

  boolean isOp(String op) {
    return kind == Kind.OP && text.equals(op);
  }

  boolean isWord(String word) {
    return kind == Kind.WORD && text.equals(word);
  }

  /** How ash names this token in {@code syntax error: unexpected …}. */
  String described() {
    return switch (kind) {
      case EOF -> "end of file";
      case NEWLINE -> "newline";
      default -> "\"" + text + "\"";
    };
  }
}
