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

  /** {@code value} as the legacy {@code mongo} shell's {@code printjson}: one line when it fits 80 columns. */
  static String legacy(BsonValue value) {
    String line = legacyInline(value);
    return line.length() <= BREAK_LENGTH || !(value.isDocument() || value.isArray()) ? line : legacy(value, "");
  }

  private static String legacy(BsonValue v, String indent) {
    if (!v.isDocument() && !v.isArray() || (v.isDocument() ? v.asDocument().isEmpty() : v.asArray().isEmpty())) {
      return legacyInline(v);
    }
    String inner = indent + "\t";
    List<String> entries = new ArrayList<>();
    if (v.isDocument()) {
      v.asDocument().forEach((k, x) -> entries.add(inner + "\"" + k + "\" : " + legacy(x, inner)));
    } else {
      v.asArray().forEach(x -> entries.add(inner + legacy(x, inner)));
    }
    String open = v.isDocument() ? "{" : "[";
    String close = v.isDocument() ? "}" : "]";
    return open + "\n" + String.join(",\n", entries) + "\n" + indent + close;
  }

  /** {@code value} on one line as the legacy shell prints a document of a cursor. */
  static String legacyInline(BsonValue v) {
    return switch (v.getBsonType()) {
      case DOCUMENT -> {
        List<String> entries = new ArrayList<>();
        v.asDocument().forEach((k, x) -> entries.add("\"" + k + "\" : " + legacyInline(x)));
        yield entries.isEmpty() ? "{ }" : "{ " + String.join(", ", entries) + " }";
      }
      case ARRAY -> {
        List<String> entries = new ArrayList<>();
        v.asArray().forEach(x -> entries.add(legacyInline(x)));
        yield entries.isEmpty() ? "[ ]" : "[ " + String.join(", ", entries) + " ]";
      }
      case STRING -> "\"" + v.asString().getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
      case INT64 -> "NumberLong(" + v.asInt64().getValue() + ")";
      case DECIMAL128 -> "NumberDecimal(\"" + v.asDecimal128().getValue() + "\")";
      case OBJECT_ID -> "ObjectId(\"" + v.asObjectId().getValue().toHexString() + "\")";
      case DATE_TIME -> "ISODate(\"" + Instant.ofEpochMilli(v.asDateTime().getValue()) + "\")";
      case BINARY -> v.asBinary().getType() == 4 ? "UUID(\"" + v.asBinary().asUuid() + "\")"
          : "BinData(" + v.asBinary().getType() + ",\"" + java.util.Base64.getEncoder().encodeToString(
              v.asBinary().getData()) + "\")";
      default -> format(v, -1000);
    };
  }
}
