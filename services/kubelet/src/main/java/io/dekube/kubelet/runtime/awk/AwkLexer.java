package io.dekube.kubelet.runtime.awk;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** An awk program's tokens. A {@code /} starts a regular expression where an operand is expected. */
final class AwkLexer {

  enum Type { NUMBER, STRING, REGEX, NAME, FUNC, KEYWORD, OP, NEWLINE, EOF }

  record Token(Type type, String text, int pos) {
    boolean is(String s) {
      return (type == Type.OP || type == Type.KEYWORD) && text.equals(s);
    }
  }

  static final Set<String> KEYWORDS = Set.of("BEGIN", "END", "if", "else", "while", "for", "do", "in", "next",
      "exit", "break", "continue", "delete", "print", "printf", "function", "return", "getline", "nextfile");
  static final Set<String> BUILTINS = Set.of("length", "substr", "index", "split", "sub", "gsub", "match",
      "sprintf", "tolower", "toupper", "int", "sqrt", "exp", "log", "sin", "cos", "atan2", "rand", "srand", "close",
      "system");
  private static final String[] OPS = {"+=", "-=", "*=", "/=", "%=", "^=", "==", "<=", ">=", "!=", "++", "--", "&&",
      "||", "!~", ">>", "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?",
      ":", "~", "$", "="};

  private AwkLexer() {
  }

  static List<Token> tokens(String src) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '\\' && i + 1 < src.length() && src.charAt(i + 1) == '\n') {
        i += 2;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        i++;
      } else if (c == '#') {
        while (i < src.length() && src.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '\n') {
        out.add(new Token(Type.NEWLINE, "\n", i++));
      } else if (c == '"') {
        int[] end = new int[1];
        out.add(new Token(Type.STRING, string(src, i + 1, end), i));
        i = end[0];
      } else if (c == '/' && regexAllowed(out)) {
        StringBuilder b = new StringBuilder();
        int j = i + 1;
        boolean bracket = false;
        while (j < src.length() && (src.charAt(j) != '/' || bracket)) {
          char d = src.charAt(j);
          if (d == '\\' && j + 1 < src.length()) {
            b.append(src.charAt(j + 1) == '/' ? "/" : "\\" + src.charAt(j + 1));
            j += 2;
            continue;
          }
          bracket = d == '[' || bracket && d != ']';
          b.append(d);
          j++;
        }
        if (j >= src.length()) {
          throw new AwkException("syntax error: unterminated regexp");
        }
        out.add(new Token(Type.REGEX, b.toString(), i));
        i = j + 1;
      } else if (Character.isDigit(c) || c == '.' && i + 1 < src.length() && Character.isDigit(src.charAt(i + 1))) {
        int j = i;
        while (j < src.length() && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '.'
            || (src.charAt(j) == '+' || src.charAt(j) == '-') && (src.charAt(j - 1) == 'e' || src.charAt(j - 1) == 'E'))) {
          j++;
        }
        out.add(new Token(Type.NUMBER, src.substring(i, j), i));
        i = j;
      } else if (Character.isLetter(c) || c == '_') {
        int j = i;
        while (j < src.length() && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '_')) {
          j++;
        }
        String w = src.substring(i, j);
        w = w.equals("func") ? "function" : w; // busybox's and gawk's short form
        out.add(new Token(KEYWORDS.contains(w) ? Type.KEYWORD : BUILTINS.contains(w) ? Type.FUNC : Type.NAME, w, i));
        i = j;
      } else {
        String op = null;
        for (String o : OPS) {
          if (src.startsWith(o, i)) {
            op = o;
            break;
          }
        }
        if (op == null) {
          throw new AwkException("syntax error: unexpected character '" + c + "'");
        }
        out.add(new Token(Type.OP, op, i));
        i += op.length();
      }
    }
    out.add(new Token(Type.EOF, "", src.length()));
    return out;
  }

  private static boolean regexAllowed(List<Token> before) {
    if (before.isEmpty()) {
      return true;
    }
    Token t = before.get(before.size() - 1);
    return switch (t.type()) {
      case NUMBER, STRING, REGEX, NAME, FUNC -> false;
      case KEYWORD -> !t.text().equals("getline");
      case OP -> !(t.text().equals(")") || t.text().equals("]") || t.text().equals("$") || t.text().equals("++")
          || t.text().equals("--"));
      default -> true;
    };
  }

  /** The string literal from {@code i} (after its opening quote) to its closing quote, decoded; {@code end[0]} after it. */
  private static String string(String src, int i, int[] end) {
    int j = i;
    while (j < src.length() && src.charAt(j) != '"') {
      j += src.charAt(j) == '\\' ? 2 : 1;
    }
    if (j >= src.length()) {
      throw new AwkException("syntax error: unterminated string");
    }
    end[0] = j + 1;
    return unescape(src.substring(i, j));
  }

  /**
   * A string literal's text with its escapes decoded, as awk reads them in a program and in {@code -v VAR=VALUE} and
   * {@code VAR=VALUE} operands: {@code \" \\ \/ \a \b \f \n \r \t \v}, {@code \ddd} (octal, up to three digits),
   * a backslash-newline removed; another character after a backslash keeps the backslash.
   */
  static String unescape(String text) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i++);
      if (c != '\\' || i >= text.length()) {
        b.append(c);
        continue;
      }
      char e = text.charAt(i++);
      switch (e) {
        case 'n' -> b.append('\n');
        case 't' -> b.append('\t');
        case 'r' -> b.append('\r');
        case '\\' -> b.append('\\');
        case '"' -> b.append('"');
        case '/' -> b.append('/');
        case 'a' -> b.append((char) 7);
        case 'b' -> b.append('\b');
        case 'f' -> b.append('\f');
        case 'v' -> b.append((char) 11);
        case '\n' -> {
        }
        default -> {
          if (e >= '0' && e <= '7') {
            int value = e - '0';
            for (int n = 1; n < 3 && i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '7'; n++) {
              value = value * 8 + text.charAt(i++) - '0';
            }
            b.append((char) value);
          } else {
            b.append('\\').append(e);
          }
        }
      }
    }
    return b.toString();
  }
}
