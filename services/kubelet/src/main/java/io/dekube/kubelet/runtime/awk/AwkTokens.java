package io.dekube.kubelet.runtime.awk;

import io.dekube.kubelet.runtime.awk.AwkLexer.Token;
import io.dekube.kubelet.runtime.awk.AwkLexer.Type;
import java.util.List;

/** A cursor over an awk program's tokens, for its parsers. */
abstract class AwkTokens {

  final List<Token> tokens;
  int pos;
  boolean noGreater; // in print's list, '>' is a redirection
  boolean noIn; // in for's init, 'in' belongs to for-in
  /** The parameters of the function being parsed (its locals); null outside functions. */
  List<String> locals;

  AwkTokens(List<Token> tokens) {
    this.tokens = tokens;
  }

  void skipTerminators() {
    while (peek().type() == Type.NEWLINE || peek().is(";")) {
      pos++;
    }
  }

  void skipNewlines() {
    while (peek().type() == Type.NEWLINE) {
      pos++;
    }
  }

  Token peek() {
    return tokens.get(pos);
  }

  Token next() {
    Token t = tokens.get(pos);
    if (t.type() != Type.EOF) {
      pos++;
    }
    return t;
  }

  boolean accept(String s) {
    if (peek().is(s)) {
      pos++;
      return true;
    }
    return false;
  }

  void expect(String s) {
    if (!accept(s)) {
      throw unexpected(peek());
    }
  }

  Token expectType(Type type) {
    if (peek().type() != type) {
      throw unexpected(peek());
    }
    return next();
  }

  static AwkException unexpected(Token t) {
    return new AwkException("syntax error: unexpected " + (t.type() == Type.EOF ? "end of program"
        : t.type() == Type.NEWLINE ? "newline" : "'" + t.text() + "'"));
  }
}
