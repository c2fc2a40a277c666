package io.dekube.kubelet.images.mongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonValue;

/**
 * Values as mongosh prints them (Node's {@code util.inspect} with mongosh's BSON types): {@code { ok: 1 }},
 * {@code ObjectId('...')}, {@code ISODate('...')}, {@code Long('5')}, strings in single quotes, keys bare when they
 * are identifiers; an object or array on one line when it fits 80 columns (Node's rule: its entries, its
 * indentation and 10 more), else one entry a line indented by two. Pure.
 */
final class ShellFormat {

  private static final int BREAK_LENGTH = 80;

  private ShellFormat() {
  }

  /** {@code value} as mongosh prints a result. */
  static String format(BsonValue value) {
    return format(value, 0);
  }

  /** {@code value} on one line (mongod's error messages show keys so). */
  static String inline(BsonValue value) {
    return format(value, -1000).replaceAll("\\n\\s*", " ");
  }

  private static String format(BsonValue v, int indent) {
    return switch (v.getBsonType()) {
      case DOCUMENT -> {
        List<String> entries = new ArrayList<>();
        for (Map.Entry<String, BsonValue> e : v.asDocument().entrySet()) {
          entries.add(key(e.getKey()) + ": " + format(e.getValue(), indent + 2));
        }
        yield braces("{", "}", entries, indent);
      }
      case ARRAY -> {
        List<String> entries = new ArrayList<>();
        for (BsonValue e : v.asArray()) {
          entries.add(format(e, indent + 2));
        }
        yield braces("[", "]", entries, indent);
      }
      case STRING -> quote(v.asString().getValue());
      case INT32 -> String.valueOf(v.asInt32().getValue());
      case INT64 -> "Long('" + v.asInt64().getValue() + "')";
      case DOUBLE -> number(v.asDouble().getValue());
      case DECIMAL128 -> "Decimal128('" + v.asDecimal128().getValue() + "')";
      case BOOLEAN -> String.valueOf(v.asBoolean().getValue());
      case NULL -> "null";
      case UNDEFINED -> "undefined";
      case OBJECT_ID -> "ObjectId('" + v.asObjectId().getValue().toHexString() + "')";
      case DATE_TIME -> "ISODate('" + Instant.ofEpochMilli(v.asDateTime().getValue()) + "')";
      case TIMESTAMP -> "Timestamp({ t: " + v.asTimestamp().getTime() + ", i: " + v.asTimestamp().getInc() + " })";
      case BINARY -> v.asBinary().getType() == 4 ? "UUID('" + v.asBinary().asUuid() + "')"
          : "Binary.createFromBase64('" + java.util.Base64.getEncoder().encodeToString(v.asBinary().getData())
              + "', " + v.asBinary().getType() + ")";
      case REGULAR_EXPRESSION -> "/" + v.asRegularExpression().getPattern() + "/" + v.asRegularExpression()
          .getOptions();
      default -> v.toString();
    };
  }

  private static String braces(String open, String close, List<String> entries, int indent) {
    if (entries.isEmpty()) {
      return open + close;
    }
    int start = entries.size() + Math.max(indent, 0) + open.length() + 10;
    int total = entries.size() + start;
    boolean fits = total + entries.size() <= BREAK_LENGTH;
    for (String e : entries) {
      total += e.length();
      fits &= total <= BREAK_LENGTH && !e.contains("\n");
    }
    if (fits || indent < 0) {
      return open + " " + String.join(", ", entries) + " " + close;
    }
    String nl = "\n" + " ".repeat(indent);
    return open + nl + "  " + String.join("," + nl + "  ", entries) + nl + close;
  }

  private static String number(double d) {
    if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e21) {
      return d == 0 && 1 / d < 0 ? "-0" : String.valueOf((long) d);
    }
    return Double.isNaN(d) ? "NaN" : Double.isInfinite(d) ? (d > 0 ? "Infinity" : "-Infinity") : String.valueOf(d);
  }

  private static String key(String k) {
    return k.matches("[A-Za-z_$][A-Za-z0-9_$]*") ? k : quote(k);
  }

  static String quote(String s) {
    char q = s.contains("'") && !s.contains("\"") ? '"' : '\'';
    StringBuilder b = new StringBuilder().append(q);
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\\' -> b.append("\\\\");
        default -> b.append(ch == q ? "\\" + ch : String.valueOf(ch));
      }
    }
    return b.append(q).toString();
  }
}
