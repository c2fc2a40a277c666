package io.dekube.apiserver.rest.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.dekube.core.model.ScaleObjects;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reading and formatting helpers shared by the printers: null-safe JSON reads, kubectl's human
 * durations ({@code 5m10s}, {@code 3d4h}), label and selector formatting. Pure.
 */
public final class Cells {

  private Cells() {
  }

  /** The node at a path of field names, or a missing node. */
  public static JsonNode at(JsonNode n, String... path) {
    JsonNode cur = n == null ? MissingNode.getInstance() : n;
    for (String p : path) {
      cur = cur.path(p);
    }
    return cur;
  }

  /** The text at a path, "" when absent or null. */
  public static String str(JsonNode n, String... path) {
    JsonNode v = at(n, path);
    return v.isValueNode() && !v.isNull() ? v.asText() : "";
  }

  /** The integer at a path, 0 when absent. */
  public static long num(JsonNode n, String... path) {
    return at(n, path).asLong(0);
  }

  /** Whether the object's {@code status.conditions} holds {@code type} with status {@code True}. */
  public static boolean conditionTrue(JsonNode o, String type) {
    for (JsonNode c : at(o, "status", "conditions")) {
      if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  /** The object's name. */
  public static String name(JsonNode o) {
    return str(o, "metadata", "name");
  }

  /** The object's age, from {@code metadata.creationTimestamp}. */
  public static String age(JsonNode o, Instant now) {
    return since(str(o, "metadata", "creationTimestamp"), now);
  }

  /** The human duration since an RFC 3339 timestamp; {@code <unknown>} when absent or unreadable. */
  public static String since(String timestamp, Instant now) {
    Instant t = parseTime(timestamp);
    return t == null ? "<unknown>" : humanDuration(Duration.between(t, now));
  }

  /** Parses an RFC 3339 timestamp (with or without fraction), null when absent or invalid. */
  public static Instant parseTime(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(timestamp).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** kubectl's approximation of a duration: {@code 45s}, {@code 5m10s}, {@code 3h20m}, {@code 12d}, {@code 2y3d}. */
  public static String humanDuration(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = hours / 24 % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }

  /** A label map as {@code a=b,c=d} sorted by key; {@code <none>} when empty. */
  public static String formatLabels(JsonNode labels) {
    String s = labelSet(labels);
    return s.isEmpty() ? "<none>" : s;
  }

  /**
   * A label map as the selector of exactly those labels ({@code labels.SelectorFromSet(...).String()}),
   * {@code a=b,c=d} sorted by key; "" when empty. A ReplicationController's selector is such a map.
   */
  public static String labelSet(JsonNode labels) {
    return ScaleObjects.labelSet(labels);
  }

  /**
   * A {@code metav1.LabelSelector} in the selector syntax, requirements sorted by key
   * ({@code app=web,tier in (a,b)}); "" for an empty or absent selector.
   */
  public static String selector(JsonNode sel) {
    TreeMap<String, List<String>> byKey = new TreeMap<>();
    sel.path("matchLabels").fields().forEachRemaining(e ->
        byKey.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getKey() + "=" + e.getValue().asText()));
    for (JsonNode expr : sel.path("matchExpressions")) {
      String key = expr.path("key").asText();
      List<String> values = new ArrayList<>();
      expr.path("values").forEach(v -> values.add(v.asText()));
      values.sort(null);
      String req = switch (expr.path("operator").asText()) {
        case "In" -> key + " in (" + String.join(",", values) + ")";
        case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
        case "Exists" -> key;
        case "DoesNotExist" -> "!" + key;
        default -> "<error>";
      };
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(req);
    }
    List<String> all = new ArrayList<>();
    byKey.values().forEach(all::addAll);
    return String.join(",", all);
  }

  /** {@link #selector} with {@code <none>} for an empty selector, as {@code metav1.FormatLabelSelector}. */
  public static String formatSelector(JsonNode sel) {
    String s = selector(sel);
    return s.isEmpty() ? "<none>" : s;
  }

  /** The container names and images of a container list, each comma-joined. */
  public static String[] containers(JsonNode containers) {
    List<String> names = new ArrayList<>();
    List<String> images = new ArrayList<>();
    for (JsonNode c : containers) {
      names.add(c.path("name").asText(""));
      images.add(c.path("image").asText(""));
    }
    return new String[] {String.join(",", names), String.join(",", images)};
  }

  /** The values of a string field of each element, e.g. hosts of rules. */
  public static List<String> each(JsonNode list, String field) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : list) {
      out.add(n.path(field).asText(""));
    }
    return out;
  }
}
