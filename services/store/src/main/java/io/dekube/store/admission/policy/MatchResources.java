package io.dekube.store.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.dekube.store.admission.webhook.Webhook;
import io.dekube.store.admission.webhook.WebhookMatcher;
import io.dekube.core.informer.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A policy's {@code matchConstraints} or a binding's {@code matchResources}: resource rules (with
 * {@code resourceNames}), excluded rules, namespace and object selectors, matchPolicy — matched as
 * kube's policy matcher does. Immutable.
 *
 * @param rules      what it covers
 * @param excluded   what it leaves out, whatever the rules say
 * @param namespaces over the labels of the request's namespace
 * @param objects    over the labels of the old or the new object
 * @param exact      {@code matchPolicy: Exact}
 */
record MatchResources(List<NamedRule> rules, List<NamedRule> excluded, LabelSelector namespaces,
                      LabelSelector objects, boolean exact) {

  /** A rule with the object names it is limited to (empty: any). */
  record NamedRule(Webhook.Rule rule, List<String> names) {
    boolean matches(AdmissionAttributes a, boolean exact) {
      if (!names.isEmpty() && !names.contains(a.name())) {
        return false;
      }
      String resource = a.type().plural();
      boolean namespaced = a.type().namespaced();
      return rule.matches(a.operation(), a.requestGroup(), a.requestVersion(), resource, a.subresource(), namespaced)
          || !exact && rule.matches(a.operation(), a.type().group(), a.type().version(), resource, a.subresource(),
          namespaced);
    }
  }

  /** Reads {@code json} (null: null). */
  static MatchResources of(JsonNode json) {
    if (json == null || !json.isObject()) {
      return null;
    }
    return new MatchResources(rules(json.path("resourceRules")), rules(json.path("excludeResourceRules")),
        selector(json.get("namespaceSelector")), selector(json.get("objectSelector")),
        "Exact".equals(json.path("matchPolicy").asText("Equivalent")));
  }

  private static List<NamedRule> rules(JsonNode array) {
    List<NamedRule> out = new ArrayList<>();
    for (JsonNode r : array) {
      List<String> names = new ArrayList<>();
      r.path("resourceNames").forEach(n -> names.add(n.asText()));
      out.add(new NamedRule(Webhook.Rule.of(r), List.copyOf(names)));
    }
    return List.copyOf(out);
  }

  private static LabelSelector selector(JsonNode s) {
    return s == null || s.isNull() ? LabelSelector.everything() : LabelSelector.fromJson(s);
  }

  /** Whether some rule names {@code resource} (or {@code *}): the cheap pre-check before any read. */
  boolean mayConcern(String resource) {
    return rules.stream().flatMap(r -> r.rule().resources().stream()).anyMatch(entry -> {
      int slash = entry.indexOf('/');
      String res = slash < 0 ? entry : entry.substring(0, slash);
      return res.equals("*") || res.equals(resource);
    });
  }

  /**
   * Whether {@code a} is covered: selectors, then a rule (no rules, as a binding may have: any
   * resource its policy covers), and no excluded rule.
   */
  boolean matches(AdmissionAttributes a, Function<String, ObjectNode> namespaceLookup) {
    if (!WebhookMatcher.namespaceMatches(namespaces, a, namespaceLookup) || !WebhookMatcher.objectMatches(objects, a)) {
      return false;
    }
    if (!rules.isEmpty() && rules.stream().noneMatch(r -> r.matches(a, exact))) {
      return false;
    }
    return excluded.stream().noneMatch(r -> r.matches(a, exact));
  }
}
