package io.dekube.store.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.dekube.store.admission.webhook.EquivalentVersions;
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
    boolean matches(AdmissionAttributes a, String group, String version) {
      return (names.isEmpty() || names.contains(a.name()))
          && rule.matches(a.operation(), group, version, a.type().plural(), a.subresource(), a.type().namespaced());
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
    return matchedVersion(a, namespaceLookup, EquivalentVersions.of(null)) != null;
  }

  /**
   * The group/version {@code a} is covered in (the policy sees the objects in it: the addressed version, else with
   * {@code Equivalent} another version of the resource, {@link EquivalentVersions}), null when it is not covered.
   * No rules cover it in the addressed version.
   */
  String matchedVersion(AdmissionAttributes a, Function<String, ObjectNode> namespaceLookup,
                        EquivalentVersions versions) {
    if (!WebhookMatcher.namespaceMatches(namespaces, a, namespaceLookup) || !WebhookMatcher.objectMatches(objects, a)) {
      return null;
    }
    EquivalentVersions.RuleMatch<NamedRule> test = (r, group, version) -> r.matches(a, group, version);
    if (versions.matched(a, excluded, exact, test) != null) {
      return null;
    }
    return rules.isEmpty() ? a.requestApiVersion() : versions.matched(a, rules, exact, test);
  }
}
