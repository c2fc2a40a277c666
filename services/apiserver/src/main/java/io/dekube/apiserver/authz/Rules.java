package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether one RBAC PolicyRule (a JSON tree) covers a request, as kube's {@code RuleAllows}:
 * verbs, API groups, resources ({@code *}, {@code resource/subresource}, {@code * /subresource}),
 * resourceNames, and for other paths nonResourceURLs ({@code *} and {@code prefix*}). Pure.
 */
public final class Rules {

  private Rules() {
  }

  /** Whether {@code rule} allows the request. */
  public static boolean allows(JsonNode rule, Attributes a) {
    if (a.resourceRequest()) {
      String combined = a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
      return has(rule.path("verbs"), a.verb()) && has(rule.path("apiGroups"), a.apiGroup())
          && resourceMatches(rule.path("resources"), combined, a.subresource())
          && nameMatches(rule.path("resourceNames"), a.name());
    }
    return has(rule.path("verbs"), a.verb()) && urlMatches(rule.path("nonResourceURLs"), a.path());
  }

  static boolean has(JsonNode values, String wanted) {
    for (JsonNode v : values) {
      if (v.asText().equals("*") || v.asText().equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  private static boolean resourceMatches(JsonNode resources, String combined, String subresource) {
    for (JsonNode r : resources) {
      String s = r.asText();
      if (s.equals("*") || s.equals(combined) || (!subresource.isEmpty() && s.equals("*/" + subresource))) {
        return true;
      }
    }
    return false;
  }

  private static boolean nameMatches(JsonNode names, String name) {
    if (names.isEmpty()) {
      return true;
    }
    for (JsonNode n : names) {
      if (n.asText().equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean urlMatches(JsonNode urls, String path) {
    for (JsonNode u : urls) {
      String s = u.asText();
      if (s.equals("*") || s.equals(path) || (s.endsWith("*") && path.startsWith(s.substring(0, s.length() - 1)))) {
        return true;
      }
    }
    return false;
  }
}
