package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Whether one set of RBAC rules covers another, as kube's {@code validation.Covers}: each wanted
 * rule is broken down into atomic rules (one verb, group, resource and name, or one URL) and each
 * must be covered by a held rule. The missing ones are compacted and printed as kube's
 * {@code CompactString} ({@code {APIGroups:[""], Resources:["pods"], Verbs:["delete"]}}). Pure.
 */
public final class Coverage {

  private Coverage() {
  }

  /** The atomic rules of {@code wanted} that {@code held} does not cover (empty = covered). */
  public static List<ObjectNode> missing(List<JsonNode> held, Iterable<JsonNode> wanted) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode rule : wanted) {
      for (ObjectNode atom : breakdown(rule)) {
        if (held.stream().noneMatch(h -> covers(h, atom))) {
          out.add(atom);
        }
      }
    }
    return out;
  }

  static List<ObjectNode> breakdown(JsonNode rule) {
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode verb : rule.path("verbs")) {
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          if (rule.path("resourceNames").isEmpty()) {
            out.add(atom(verb, "apiGroups", group, "resources", resource, null, null));
          } else {
            for (JsonNode name : rule.path("resourceNames")) {
              out.add(atom(verb, "apiGroups", group, "resources", resource, "resourceNames", name));
            }
          }
        }
      }
      for (JsonNode url : rule.path("nonResourceURLs")) {
        out.add(atom(verb, "nonResourceURLs", url, null, null, null, null));
      }
    }
    return out;
  }

  private static ObjectNode atom(JsonNode verb, String f1, JsonNode v1, String f2, JsonNode v2, String f3, JsonNode v3) {
    ObjectNode a = Json.object();
    a.putArray("verbs").add(verb.asText());
    a.putArray(f1).add(v1.asText());
    if (f2 != null) {
      a.putArray(f2).add(v2.asText());
    }
    if (f3 != null) {
      a.putArray(f3).add(v3.asText());
    }
    return a;
  }

  /** Whether held rule {@code h} covers the atomic rule {@code a}. */
  static boolean covers(JsonNode h, ObjectNode a) {
    if (!Rules.has(h.path("verbs"), a.path("verbs").get(0).asText())) {
      return false;
    }
    if (a.has("nonResourceURLs")) {
      String url = a.path("nonResourceURLs").get(0).asText();
      for (JsonNode u : h.path("nonResourceURLs")) {
        String s = u.asText();
        if (s.equals("*") || s.equals(url) || (s.endsWith("*") && url.startsWith(s.substring(0, s.length() - 1)))) {
          return true;
        }
      }
      return false;
    }
    if (!Rules.has(h.path("apiGroups"), a.path("apiGroups").get(0).asText())) {
      return false;
    }
    if (!resourceCovered(h.path("resources"), a.path("resources").get(0).asText())) {
      return false;
    }
    JsonNode names = h.path("resourceNames");
    if (names.isEmpty()) {
      return true;
    }
    return a.has("resourceNames") && Rules.has(names, a.path("resourceNames").get(0).asText());
  }

  private static boolean resourceCovered(JsonNode held, String wanted) {
    int slash = wanted.indexOf('/');
    for (JsonNode r : held) {
      String s = r.asText();
      if (s.equals("*") || s.equals(wanted)) {
        return true;
      }
      if (slash > 0 && (s.equals("*" + wanted.substring(slash)) || s.equals(wanted.substring(0, slash) + "/*"))) {
        return true;
      }
    }
    return false;
  }

  /** The missing atomic rules merged per group/resource/name/URL, as kube's CompactRules, one CompactString each, sorted. */
  public static List<String> describe(List<ObjectNode> missing) {
    Map<String, ObjectNode> merged = new LinkedHashMap<>();
    for (ObjectNode a : missing) {
      ObjectNode key = a.deepCopy();
      key.remove("verbs");
      ObjectNode m = merged.computeIfAbsent(key.toString(), k -> {
        ObjectNode c = key.deepCopy();
        c.putArray("verbs");
        return c;
      });
      ((ArrayNode) m.get("verbs")).add(a.path("verbs").get(0).asText());
    }
    TreeSet<String> out = new TreeSet<>();
    merged.values().forEach(r -> out.add(compactString(r)));
    return List.copyOf(out);
  }

  static String compactString(JsonNode r) {
    List<String> parts = new ArrayList<>();
    for (String[] f : new String[][] {{"apiGroups", "APIGroups"}, {"resources", "Resources"},
        {"resourceNames", "ResourceNames"}, {"nonResourceURLs", "NonResourceURLs"}, {"verbs", "Verbs"}}) {
      if (!r.path(f[0]).isEmpty()) {
        parts.add(f[1] + ":" + quoted(r.path(f[0])));
      }
    }
    return "{" + String.join(", ", parts) + "}";
  }

  /** Go's {@code %q} of a string slice: {@code ["a" "b"]}. */
  static String quoted(JsonNode values) {
    List<String> q = new ArrayList<>();
    values.forEach(v -> q.add("\"" + v.asText().replace("\\", "\\\\").replace("\"", "\\\"") + "\""));
    return "[" + String.join(" ", q) + "]";
  }
}
