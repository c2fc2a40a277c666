package io.dekube.store.admission;

/**
 * What Go's {@code json.Unmarshal(data, &map[string]interface{}{})} says of {@code data} — the check kube's
 * validation runs on a {@code kubernetes.io/dockerconfigjson} or {@code kubernetes.io/dockercfg} Secret's docker
 * configuration: the syntax errors of {@code encoding/json}'s scanner in its words ({@code invalid character 'o' in
 * literal null (expecting 'u')}, {@code unexpected end of JSON input}), then a value that is not an object
 * ({@code json: cannot unmarshal array into Go value of type map[string]interface {}}). Pure and thread-safe.
 */
final class GoJson {

  private final byte[] b;
  private int pos;

  private GoJson(byte[] b) {
    this.b = b;
  }

  /** Go's error for {@code data}, or null when it unmarshals into a map (an object, or {@code null}). */
  static String mapUnmarshalError(byte[] data) {
    GoJson s = new GoJson(data);
    try {
      s.space();
      int first = s.pos < data.length ? data[s.pos] : -1;
      s.value();
      s.space();
      if (s.pos < data.length) {
        throw s.bad("after top-level value");
      }
      return switch (first) {
        case '{', 'n' -> null;
        case '[' -> notAMap("array");
        case '"' -> notAMap("string");
        case 't', 'f' -> notAMap("bool");
        default -> notAMap("number");
      };
    } catch (SyntaxError e) {
      return e.getMessage();
    }
  }

  private static String notAMap(String what) {
    return "json: cannot unmarshal " + what + " into Go value of type map[string]interface {}";
  }

  private static final class SyntaxError extends RuntimeException {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  private int peek() {
    if (pos >= b.length) {
      throw new SyntaxError("unexpected end of JSON input");
    }
    return b[pos] & 0xff;
  }

  private SyntaxError bad(String context) {
    return new SyntaxError("invalid character " + quoteChar(b[pos] & 0xff) + " " + context);
  }

  private void space() {
    while (pos < b.length && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) {
      pos++;
    }
  }

  private void value() {
    space();
    int c = peek();
    switch (c) {
      case '{' -> object();
      case '[' -> array();
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || c >= '0' && c <= '9') {
          number();
        } else {
          throw bad("looking for beginning of value");
        }
      }
    }
  }

  private void object() {
    pos++;
    space();
    if (peek() == '}') {
      pos++;
      return;
    }
    while (true) {
      space();
      if (peek() != '"') {
        throw bad("looking for beginning of object key string");
      }
      string();
      space();
      if (peek() != ':') {
        throw bad("after object key");
      }
      pos++;
      value();
      space();
      int c = peek();
      if (c == '}') {
        pos++;
        return;
      }
      if (c != ',') {
        throw bad("after object key:value pair");
      }
      pos++;
    }
  }

  private void array() {
    pos++;
    space();
    if (peek() == ']') {
      pos++;
      return;
    }
    while (true) {
      value();
      space();
      int c = peek();
      if (c == ']') {
        pos++;
        return;
      }
      if (c != ',') {
        throw bad("after array element");
      }
      pos++;
    }
  }

  private void string() {
    pos++;
    while (true) {
      int c = peek();
      if (c == '"') {
        pos++;
        return;
      }
      if (c < 0x20) {
        throw bad("in string literal");
      }
      pos++;
      if (c == '\\') {
        int e = peek();
        if ("bfnrt\\/\"".indexOf(e) >= 0) {
          pos++;
        } else if (e == 'u') {
          pos++;
          for (int i = 0; i < 4; i++) {
            if (Character.digit(peek(), 16) < 0) {
              throw bad("in \\u hexadecimal character escape");
            }
            pos++;
          }
        } else {
          throw bad("in string escape code");
        }
      }
    }
  }

  private void literal(String word) {
    pos++;
    for (int i = 1; i < word.length(); i++) {
      if (peek() != word.charAt(i)) {
        throw bad("in literal " + word + " (expecting " + quoteChar(word.charAt(i)) + ")");
      }
      pos++;
    }
  }

  private void number() {
    if (b[pos] == '-') {
      pos++;
      if (!digit(peek())) {
        throw bad("in numeric literal");
      }
    }
    if (b[pos] == '0') {
      pos++;
    } else {
      while (pos < b.length && digit(b[pos])) {
        pos++;
      }
    }
    if (pos < b.length && b[pos] == '.') {
      pos++;
      if (!digit(peek())) {
        throw bad("after decimal point in numeric literal");
      }
      while (pos < b.length && digit(b[pos])) {
        pos++;
      }
    }
    if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E')) {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!digit(peek())) {
        throw bad("in exponent of numeric literal");
      }
      while (pos < b.length && digit(b[pos])) {
        pos++;
      }
    }
  }

  private static boolean digit(int c) {
    return c >= '0' && c <= '9';
  }

  /** Go's {@code quoteChar}: the byte as a rune in single quotes, escaped as {@code strconv.Quote} escapes it. */
  static String quoteChar(int c) {
    if (c == '\'') {
      return "'\\''";
    }
    if (c == '"') {
      return "'\"'";
    }
    String s = switch (c) {
      case 7 -> "\\a";
      case '\b' -> "\\b";
      case '\f' -> "\\f";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      case '\t' -> "\\t";
      case 11 -> "\\v";
      case '\\' -> "\\\\";
      default -> {
        if (c < 0x20 || c == 0x7f) {
          yield String.format("\\x%02x", c);
        }
        if (c >= 0x80 && c <= 0xa0 || c == 0xad) {
          yield String.format("\\u%04x", c); // not printable for Go's unicode.IsPrint
        }
        yield String.valueOf((char) c);
      }
    };
    return "'" + s + "'";
  }
}
