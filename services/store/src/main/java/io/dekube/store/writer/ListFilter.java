package io.dekube.store.writer;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Label and field selectors of a list request, in Kubernetes syntax: labels {@code a=b}, {@code a==b},
 * {@code a!=b}, {@code a}, {@code !a}, {@code a in (x,y)}, {@code a notin (x,y)}; fields
 * {@code path=value}, {@code path==value}, {@code path!=value} on any dotted path
 * ({@code metadata.name}, {@code spec.nodeName}, {@code status.phase}). Immutable, thread-safe.
 */
final class ListFilter {

  private static final Pattern SET = Pattern.compile("^\\s*(\\S+)\\s+(in|notin)\\s*\\((.*)\\)\\s*$");
  private static final Pattern EQ = Pattern.compile("^\\s*([^!=\\s]+)\\s*(==|=|!=)\\s*(\\S*)\\s*$");
  private static final ListFilter ALL = new ListFilter(o -> true);

  private final Predicate<JsonNode> predicate;

  private ListFilter(Predicate<JsonNode> predicate) {
    this.predicate = predicate;
  }

  /** The filter of the request options' {@code labelSelector} and {@code fieldSelector}; 400 when malformed. */
  static ListFilter of(JsonNode options) {
    if (options == null) {
      return ALL;
    }
    Predicate<JsonNode> p = o -> true;
    for (String req : split(options.path("labelSelector").asText(""))) {
      p = p.and(labelRequirement(req));
    }
    for (String req : split(options.path("fieldSelector").asText(""))) {
      p = p.and(fieldRequirement(req));
    }
    return new ListFilter(p);
  }

  boolean matches(JsonNode obj) {
    return predicate.test(obj);
  }

  private static List<String> split(String selector) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : selector.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        parts.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    parts.add(cur.toString());
    return parts.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Predicate<JsonNode> labelRequirement(String req) {
    Matcher set = SET.matcher(req);
    if (set.matches()) {
      String key = set.group(1);
      Set<String> values = Arrays.stream(set.group(3).split(",")).map(String::trim).collect(Collectors.toSet());
      boolean in = set.group(2).equals("in");
      return o -> {
        JsonNode v = labels(o).get(key);
        return in ? v != null && values.contains(v.asText()) : v == null || !values.contains(v.asText());
      };
    }
    Matcher eq = EQ.matcher(req);
    if (eq.matches()) {
      String key = eq.group(1);
      String value = eq.group(3);
      boolean equal = !eq.group(2).equals("!=");
      return o -> {
        JsonNode v = labels(o).get(key);
        return equal ? v != null && v.asText().equals(value) : v == null || !v.asText().equals(value);
      };
    }
    if (req.startsWith("!")) {
      String key = req.substring(1).trim();
      return o -> !labels(o).has(key);
    }
    if (req.matches("[^\\s!=(),]+")) {
      return o -> labels(o).has(req);
    }
    throw StatusException.badRequest("unable to parse requirement: \"" + req + "\"");
  }

  private static Predicate<JsonNode> fieldRequirement(String req) {
    Matcher eq = EQ.matcher(req);
    if (!eq.matches()) {
      throw StatusException.badRequest("invalid field selector: \"" + req + "\"");
    }
    String[] path = eq.group(1).split("\\.");
    String value = eq.group(3);
    boolean equal = !eq.group(2).equals("!=");
    return o -> {
      JsonNode v = o;
      for (String p : path) {
        v = v.path(p);
      }
      String actual = v.isValueNode() ? v.asText() : "";
      return equal == actual.equals(value);
    };
  }

  private static JsonNode labels(JsonNode o) {
    return o.path("metadata").path("labels");
  }
}
