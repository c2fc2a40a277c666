package io.dekube.kubelet.images.mongo;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * mongod's structured log: one JSON object a line, {@code {"t":{"$date":...},"s":"I",  "c":"NETWORK",  "id":23016,
 * "ctx":"listener","msg":"Waiting for connections","attr":{...}}}, with the padding mongod puts after severity,
 * component and id. Thread-safe.
 */
final class MongoLog {

  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx");
  private final Consumer<String> out;

  MongoLog(Consumer<String> out) {
    this.out = out;
  }

  void info(String component, int id, String ctx, String msg, BsonDocument attr) {
    out.accept(line(OffsetDateTime.now(ZoneOffset.UTC), "I", component, id, ctx, msg, attr));
  }

  /** One log line (with its newline). */
  static String line(OffsetDateTime t, String severity, String component, int id, String ctx, String msg,
                     BsonDocument attr) {
    StringBuilder b = new StringBuilder("{\"t\":{\"$date\":\"").append(DATE.format(t)).append("\"},");
    b.append(pad("\"s\":\"" + severity + "\",", 10)).append(pad("\"c\":\"" + component + "\",", 16))
        .append(pad("\"id\":" + id + ",", 14)).append("\"ctx\":").append(quote(ctx)).append(",\"msg\":")
        .append(quote(msg));
    if (attr != null) {
      b.append(",\"attr\":");
      json(b, attr);
    }
    return b.append("}\n").toString();
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(ch < ' ' ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
      }
    }
    return b.append('"').toString();
  }

  /** The compact relaxed Extended JSON mongod writes: no spaces, numbers bare, dates as {@code {"$date":...}}. */
  private static void json(StringBuilder b, BsonValue v) {
    switch (v.getBsonType()) {
      case DOCUMENT -> {
        b.append('{');
        boolean first = true;
        for (var e : v.asDocument().entrySet()) {
          b.append(first ? "" : ",").append(quote(e.getKey())).append(':');
          json(b, e.getValue());
          first = false;
        }
        b.append('}');
      }
      case ARRAY -> {
        b.append('[');
        for (int i = 0; i < v.asArray().size(); i++) {
          b.append(i == 0 ? "" : ",");
          json(b, v.asArray().get(i));
        }
        b.append(']');
      }
      case STRING -> b.append(quote(v.asString().getValue()));
      case INT32 -> b.append(v.asInt32().getValue());
      case INT64 -> b.append(v.asInt64().getValue());
      case DOUBLE -> b.append(v.asDouble().getValue());
      case BOOLEAN -> b.append(v.asBoolean().getValue());
      case NULL -> b.append("null");
      case DATE_TIME -> b.append("{\"$date\":").append(quote(DATE.format(java.time.Instant.ofEpochMilli(
          v.asDateTime().getValue()).atOffset(ZoneOffset.UTC)))).append('}');
      default -> b.append(quote(v.toString()));
    }
  }
}
