package io.dekube.kubelet.images.mongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

/**
 * The little of JavaScript mongosh's users type that this shell reads: a chain of names, members and calls
 * ({@code db.fruit.find({ qty: 2 }).limit(1)}), whose arguments are literals — objects with bare or quoted keys,
 * arrays, strings in either quotes, numbers (whole ones as Int32, as the Node driver stores them), {@code true},
 * {@code false}, {@code null}, {@code ObjectId('...')}, {@code ISODate('...')}, {@code new Date()},
 * {@code NumberLong(...)}/{@code Long(...)}, {@code NumberInt(...)}. Anything else (operators, functions,
 * variables, {@code var}/{@code let}) is a {@link SyntaxError}. Pure.
 */
final class ShellReader {

  /** One expression: a literal, or a chain from a name. */
  sealed interface Expr permits Literal, Chain {
  }

  record Literal(BsonValue value) implements Expr {
  }

  /** {@code root} followed by members and calls. */
  record Chain(String root, List<Step> steps) implements Expr {
  }

  sealed interface Step permits Member, Call {
  }

  record Member(String name) implements Step {
  }

  record Call(List<Expr> args) implements Step {
  }

  /** Text this reader cannot read, with mongosh's words and where. */
  static final class SyntaxError extends Exception {
    SyntaxError(String message) {
      super(message);
    }
  }

  private final String text;
  private int pos;

  private ShellReader(String text) {
    this.text = text;
  }

  /** Reads {@code text} as one expression (a trailing {@code ;} allowed). */
  static Expr read(String text) throws SyntaxError {
    ShellReader r = new ShellReader(text);
    Expr e = r.expr();
    r.skip();
    if (r.pos < r.text.length() && r.text.charAt(r.pos) == ';') {
      r.pos++;
      r.skip();
    }
    if (r.pos < r.text.length()) {
      throw r.unexpected();
    }
    return e;
  }

  private Expr expr() throws SyntaxError {
    skip();
    if (pos >= text.length()) {
      throw unexpected();
    }
    char ch = text.charAt(pos);
    if (ch == '{') {
      return new Literal(object());
    }
    if (ch == '[') {
      return new Literal(array());
    }
    if (ch == '\'' || ch == '"') {
      return new Literal(new BsonString(string()));
    }
    if (ch == '-' || ch == '.' || Character.isDigit(ch)) {
      return new Literal(number());
    }
    if (Character.isJavaIdentifierStart(ch)) {
      String name = identifier();
      switch (name) {
        case "true", "false" -> {
          return new Literal(BsonBoolean.valueOf(name.equals("true")));
        }
        case "null" -> {
          return new Literal(BsonNull.VALUE);
        }
        case "new" -> {
          skip();
          return constructor(identifier());
        }
        case "ObjectId", "ISODate", "Date", "NumberLong", "Long", "NumberInt", "Int32", "NumberDecimal",
            "Decimal128", "UUID" -> {
          return constructor(name);
        }
        default -> {
          return chain(name);
        }
      }
    }
    throw unexpected();
  }

  private Chain chain(String root) throws SyntaxError {
    List<Step> steps = new ArrayList<>();
    while (true) {
      skip();
      if (pos < text.length() && text.charAt(pos) == '.') {
        pos++;
        skip();
        steps.add(new Member(identifier()));
      } else if (pos < text.length() && text.charAt(pos) == '[') {
        pos++;
        skip();
        String name = string();
        expect(']');
        steps.add(new Member(name));
      } else if (pos < text.length() && text.charAt(pos) == '(') {
        steps.add(new Call(arguments()));
      } else {
        return new Chain(root, steps);
      }
    }
  }

  private List<Expr> arguments() throws SyntaxError {
    expect('(');
    List<Expr> args = new ArrayList<>();
    skip();
    while (pos < text.length() && text.charAt(pos) != ')') {
      args.add(expr());
      skip();
      if (pos < text.length() && text.charAt(pos) == ',') {
        pos++;
        skip();
      } else if (pos >= text.length() || text.charAt(pos) != ')') {
        throw unexpected();
      }
    }
    expect(')');
    return args;
  }

  private Literal constructor(String name) throws SyntaxError {
    List<Expr> args = arguments();
    BsonValue arg = args.isEmpty() ? null : args.get(0) instanceof Literal l ? l.value() : null;
    if (!args.isEmpty() && arg == null) {
      throw new SyntaxError("SyntaxError: " + name + "() takes a literal");
    }
    try {
      return new Literal(switch (name) {
        case "ObjectId" -> arg == null ? new BsonObjectId() : new BsonObjectId(new ObjectId(arg.asString().getValue()));
        case "ISODate", "Date" -> new BsonDateTime(arg == null ? System.currentTimeMillis()
            : arg.isString() ? Instant.parse(arg.asString().getValue().length() == 10 ? arg.asString().getValue()
                + "T00:00:00Z" : arg.asString().getValue()).toEpochMilli() : arg.asNumber().longValue());
        case "NumberLong", "Long" -> new BsonInt64(arg.isString() ? Long.parseLong(arg.asString().getValue())
            : arg.asNumber().longValue());
        case "NumberInt", "Int32" -> new BsonInt32(arg.isString() ? Integer.parseInt(arg.asString().getValue())
            : arg.asNumber().intValue());
        case "NumberDecimal", "Decimal128" -> new org.bson.BsonDecimal128(org.bson.types.Decimal128.parse(
            arg.isString() ? arg.asString().getValue() : String.valueOf(arg.asNumber().doubleValue())));
        case "UUID" -> new org.bson.BsonBinary(arg == null ? java.util.UUID.randomUUID()
            : java.util.UUID.fromString(arg.asString().getValue()));
        default -> throw new SyntaxError("ReferenceError: " + name + " is not defined");
      });
    } catch (RuntimeException e) {
      throw new SyntaxError("BSONError: " + name + "(): " + e.getMessage());
    }
  }

  private BsonDocument object() throws SyntaxError {
    expect('{');
    BsonDocument doc = new BsonDocument();
    skip();
    while (pos < text.length() && text.charAt(pos) != '}') {
      char ch = text.charAt(pos);
      String key = ch == '\'' || ch == '"' ? string() : Character.isDigit(ch) ? number().toString()
          : identifier();
      expect(':');
      Expr value = expr();
      if (!(value instanceof Literal l)) {
        throw new SyntaxError("SyntaxError: only literal values are read here (" + key + ")");
      }
      doc.put(key, l.value());
      skip();
      if (pos < text.length() && text.charAt(pos) == ',') {
        pos++;
        skip();
      } else if (pos >= text.length() || text.charAt(pos) != '}') {
        throw unexpected();
      }
    }
    expect('}');
    return doc;
  }

  private BsonArray array() throws SyntaxError {
    expect('[');
    BsonArray array = new BsonArray();
    skip();
    while (pos < text.length() && text.charAt(pos) != ']') {
      Expr value = expr();
      if (!(value instanceof Literal l)) {
        throw new SyntaxError("SyntaxError: only literal values are read here");
      }
      array.add(l.value());
      skip();
      if (pos < text.length() && text.charAt(pos) == ',') {
        pos++;
        skip();
      } else if (pos >= text.length() || text.charAt(pos) != ']') {
        throw unexpected();
      }
    }
    expect(']');
    return array;
  }

  private String string() throws SyntaxError {
    if (pos >= text.length() || (text.charAt(pos) != '\'' && text.charAt(pos) != '"')) {
      throw unexpected();
    }
    char quote = text.charAt(pos++);
    StringBuilder b = new StringBuilder();
    while (pos < text.length() && text.charAt(pos) != quote) {
      char ch = text.charAt(pos++);
      if (ch == '\\' && pos < text.length()) {
        char e = text.charAt(pos++);
        b.append(switch (e) {
          case 'n' -> '\n';
          case 't' -> '\t';
          case 'r' -> '\r';
          default -> e;
        });
      } else {
        b.append(ch);
      }
    }
    if (pos >= text.length()) {
      throw new SyntaxError("SyntaxError: Unterminated string constant. (1:" + pos + ")");
    }
    pos++;
    return b.toString();
  }

  private BsonValue number() throws SyntaxError {
    int start = pos;
    if (text.charAt(pos) == '-') {
      pos++;
    }
    while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || ".eE+-".indexOf(text.charAt(pos)) >= 0
        && !(text.charAt(pos) == '-' && pos > start && "eE".indexOf(text.charAt(pos - 1)) < 0))) {
      pos++;
    }
    try {
      double d = Double.parseDouble(text.substring(start, pos));
      return d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE && !text.substring(start, pos).contains(".")
          ? new BsonInt32((int) d) : new BsonDouble(d);
    } catch (NumberFormatException e) {
      pos = start;
      throw unexpected();
    }
  }

  private String identifier() throws SyntaxError {
    int start = pos;
    while (pos < text.length() && Character.isJavaIdentifierPart(text.charAt(pos))) {
      pos++;
    }
    if (start == pos) {
      throw unexpected();
    }
    return text.substring(start, pos);
  }

  private void expect(char ch) throws SyntaxError {
    skip();
    if (pos >= text.length() || text.charAt(pos) != ch) {
      throw unexpected();
    }
    pos++;
    skip();
  }

  private void skip() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private SyntaxError unexpected() {
    return new SyntaxError(pos >= text.length() ? "SyntaxError: Unexpected token (1:" + pos + ")"
        : "SyntaxError: Unexpected token (1:" + pos + ")");
  }
}
