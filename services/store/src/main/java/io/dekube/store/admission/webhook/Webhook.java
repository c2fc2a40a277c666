package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.informer.LabelSelector;
import io.dekube.store.cel.AdmissionCel;
import java.util.ArrayList;
import java.util.List;

/**
 * One webhook of a Validating- or MutatingWebhookConfiguration, read once from the stored object
 * (which the writer defaulted; kube's defaults stand in for anything missing). Immutable.
 *
 * @param configuration     the configuration's name
 * @param mutating          whether it may patch the object
 * @param name              the webhook's name, as messages quote it
 * @param rules             what it asks to see
 * @param failOpen          {@code failurePolicy: Ignore}: a failed call lets the request through
 * @param exactMatch        {@code matchPolicy: Exact}: only the addressed group and version match
 * @param namespaceSelector over the labels of the object's namespace
 * @param objectSelector    over the labels of the old or the new object
 * @param sideEffects       {@code None}, {@code NoneOnDryRun}, {@code Some} or {@code Unknown}
 * @param timeoutSeconds    how long a call may take
 * @param reinvokeIfNeeded  {@code reinvocationPolicy: IfNeeded}
 * @param clientConfig      {@code url} or {@code service}, with {@code caBundle}
 * @param reviewVersions    the {@code admissionReviewVersions} it accepts, in its order of preference
 * @param matchConditions   its CEL {@code matchConditions}, compiled when the configuration is read
 */
public record Webhook(String configuration, boolean mutating, String name, List<Rule> rules, boolean failOpen,
                      boolean exactMatch, LabelSelector namespaceSelector, LabelSelector objectSelector,
                      String sideEffects, int timeoutSeconds, boolean reinvokeIfNeeded, JsonNode clientConfig,
                      List<String> reviewVersions, MatchConditions matchConditions) {

  /** Reads one entry of a configuration's {@code webhooks}. */
  static Webhook of(String configuration, boolean mutating, JsonNode hook) {
    List<Rule> rules = new ArrayList<>();
    hook.path("rules").forEach(r -> rules.add(Rule.of(r)));
    return new Webhook(configuration, mutating, hook.path("name").asText(""), List.copyOf(rules),
        "Ignore".equals(hook.path("failurePolicy").asText("Fail")),
        "Exact".equals(hook.path("matchPolicy").asText("Equivalent")),
        selector(hook.get("namespaceSelector")), selector(hook.get("objectSelector")),
        hook.path("sideEffects").asText("Unknown"), hook.path("timeoutSeconds").asInt(10),
        mutating && "IfNeeded".equals(hook.path("reinvocationPolicy").asText("Never")), hook.path("clientConfig"),
        Rule.texts(hook.path("admissionReviewVersions")),
        MatchConditions.compile(hook.get("matchConditions"), AdmissionCel.webhookVars()));
  }

  /** An absent selector is kube's default {@code {}}: everything. */
  private static LabelSelector selector(JsonNode s) {
    return s == null || s.isNull() ? LabelSelector.everything() : LabelSelector.fromJson(s);
  }

  /** Whether a rule names {@code resource} (or {@code *}), with or without a subresource. */
  boolean mayConcern(String resource) {
    return rules.stream().flatMap(r -> r.resources().stream()).anyMatch(entry -> {
      int slash = entry.indexOf('/');
      String res = slash < 0 ? entry : entry.substring(0, slash);
      return res.equals("*") || res.equals(resource);
    });
  }

  /** Whether a dry-run request may reach it ({@code sideEffects} None or NoneOnDryRun). */
  boolean dryRunSafe() {
    return sideEffects.equals("None") || sideEffects.equals("NoneOnDryRun");
  }

  /**
   * One {@code RuleWithOperations}. Immutable.
   *
   * @param operations  {@code CREATE}, {@code UPDATE}, {@code DELETE}, {@code CONNECT} or {@code *}
   * @param apiGroups   groups, {@code *} for any
   * @param apiVersions versions, {@code *} for any
   * @param resources   {@code pods}, {@code pods/status}, {@code pods/*}, {@code *}, {@code * /*}
   * @param scope       {@code Cluster}, {@code Namespaced} or {@code *}
   */
  public record Rule(List<String> operations, List<String> apiGroups, List<String> apiVersions, List<String> resources,
                     String scope) {

    /** Reads one rule. */
    public static Rule of(JsonNode r) {
      return new Rule(texts(r.path("operations")), texts(r.path("apiGroups")), texts(r.path("apiVersions")),
          texts(r.path("resources")), r.path("scope").asText("*"));
    }

    /**
     * Whether a request matches, as kube's rule matcher decides.
     *
     * @param namespaced whether the request is about a namespaced object (a Namespace itself is not)
     */
    public boolean matches(String operation, String group, String version, String resource, String subresource,
                           boolean namespaced) {
      return matchesAny(operations, operation) && matchesAny(apiGroups, group) && matchesAny(apiVersions, version)
          && resource(resource, subresource) && scope(namespaced);
    }

    private boolean resource(String resource, String subresource) {
      for (String entry : resources) {
        int slash = entry.indexOf('/');
        String res = slash < 0 ? entry : entry.substring(0, slash);
        String sub = slash < 0 ? "" : entry.substring(slash + 1);
        // "*" alone means every resource but no subresource; "*/*" every resource and subresource
        if ((res.equals("*") || res.equals(resource)) && (sub.equals("*") || sub.equals(subresource))) {
          return true;
        }
      }
      return false;
    }

    private boolean scope(boolean namespaced) {
      return switch (scope) {
        case "Namespaced" -> namespaced;
        case "Cluster" -> !namespaced;
        default -> true;
      };
    }

    private static boolean matchesAny(List<String> values, String value) {
      return values.contains("*") || values.contains(value);
    }

    static List<String> texts(JsonNode array) {
      List<String> out = new ArrayList<>();
      array.forEach(v -> out.add(v.asText()));
      return List.copyOf(out);
    }
  }
}
