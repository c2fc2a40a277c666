package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.cel.AdmissionCompileEnv;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ValidatingWebhookConfigurations and MutatingWebhookConfigurations ({@code admissionregistration.k8s.io/v1}),
 * with kube's v1 defaults (failurePolicy {@code Fail}, matchPolicy {@code Equivalent}, empty namespace and
 * object selectors, timeoutSeconds 10, a rule's scope {@code *}, a service's port 443, and for mutating
 * webhooks reinvocationPolicy {@code Never}) and kube's validation: fully qualified unique webhook names,
 * rules (operations, groups, versions, resources with their wildcard rules, scope), the policies,
 * sideEffects {@code None}/{@code NoneOnDryRun} required, timeouts of 1 to 30 s, label selectors,
 * exactly one of an https {@code url} or a {@code service}, admissionReviewVersions naming v1 or
 * v1beta1, and matchConditions whose CEL expressions compile. An update may keep what the old object
 * already had that a create no longer accepts (other side-effect classes, unknown review versions,
 * duplicate names), as kube's update rules allow.
 */
final class WebhookConfigurationAdmission implements KindAdmission {

  static final List<String> REVIEW_VERSIONS = List.of("v1", "v1beta1");
  private static final List<String> FAILURE_POLICIES = List.of("Fail", "Ignore");
  private static final List<String> MATCH_POLICIES = List.of("Equivalent", "Exact");
  private static final List<String> REINVOCATION_POLICIES = List.of("IfNeeded", "Never");
  private static final List<String> NO_SIDE_EFFECTS = List.of("None", "NoneOnDryRun");
  private static final List<String> ALL_SIDE_EFFECTS = List.of("None", "NoneOnDryRun", "Some", "Unknown");
  private static final List<String> OPERATIONS = List.of("*", "CONNECT", "CREATE", "DELETE", "UPDATE");
  private static final List<String> SCOPES = List.of("*", "Cluster", "Namespaced");
  private static final String URL_FORM = "; desired format: https://host[/path]";

  private final boolean mutating;

  /** @param mutating whether the kind is MutatingWebhookConfiguration (reinvocationPolicy) */
  WebhookConfigurationAdmission(boolean mutating) {
    this.mutating = mutating;
  }

  @Override
  public void defaults(ObjectNode config, ObjectNode old) {
    for (JsonNode w : config.path("webhooks")) {
      if (!(w instanceof ObjectNode hook)) {
        continue;
      }
      Nodes.defaultText(hook, "failurePolicy", "Fail");
      Nodes.defaultText(hook, "matchPolicy", "Equivalent");
      if (Nodes.absent(hook, "namespaceSelector")) {
        hook.putObject("namespaceSelector");
      }
      if (Nodes.absent(hook, "objectSelector")) {
        hook.putObject("objectSelector");
      }
      Nodes.defaultInt(hook, "timeoutSeconds", 10);
      if (mutating) {
        Nodes.defaultText(hook, "reinvocationPolicy", "Never");
      }
      for (JsonNode rule : hook.path("rules")) {
        if (rule instanceof ObjectNode r) {
          Nodes.defaultText(r, "scope", "*");
        }
      }
      if (hook.path("clientConfig").path("service") instanceof ObjectNode service) {
        Nodes.defaultInt(service, "port", 443);
      }
    }
  }

  @Override
  public void validate(ObjectNode config, ObjectNode old, FieldErrors errs) {
    List<JsonNode> before = old == null ? List.of() : list(old.path("webhooks"));
    // an update keeps accepting what the stored object already holds, as kube's update options do
    boolean requireNoSideEffects = before.stream()
        .allMatch(w -> NO_SIDE_EFFECTS.contains(w.path("sideEffects").asText()));
    boolean requireKnownReviewVersion = before.stream().allMatch(w -> w.path("admissionReviewVersions").isEmpty()
        || texts(w.path("admissionReviewVersions")).stream().anyMatch(REVIEW_VERSIONS::contains));
    boolean requireUniqueNames = before.stream().map(w -> w.path("name").asText()).distinct().count() == before.size();
    Set<String> names = new HashSet<>();
    int i = 0;
    for (JsonNode hook : config.path("webhooks")) {
      String path = "webhooks[" + i++ + "]";
      webhook(hook, path, requireNoSideEffects, errs);
      reviewVersions(hook.path("admissionReviewVersions"), path + ".admissionReviewVersions", requireKnownReviewVersion,
          errs);
      String name = hook.path("name").asText("");
      if (requireUniqueNames && !name.isEmpty() && !names.add(name)) {
        errs.duplicate(path + ".name", hook.path("name"));
      }
    }
  }

  private void webhook(JsonNode hook, String path, boolean requireNoSideEffects, FieldErrors errs) {
    fullyQualifiedName(hook.path("name").asText(""), path + ".name", errs);
    int r = 0;
    for (JsonNode rule : hook.path("rules")) {
      rule(rule, path + ".rules[" + r++ + "]", errs);
    }
    oneOf(hook, "failurePolicy", FAILURE_POLICIES, path, errs);
    oneOf(hook, "matchPolicy", MATCH_POLICIES, path, errs);
    List<String> allowed = requireNoSideEffects ? NO_SIDE_EFFECTS : ALL_SIDE_EFFECTS;
    JsonNode sideEffects = hook.get("sideEffects");
    if (sideEffects == null || sideEffects.isNull()) {
      errs.required(path + ".sideEffects", "must specify one of " + String.join(", ", allowed));
    } else if (!allowed.contains(sideEffects.asText())) {
      errs.notSupported(path + ".sideEffects", sideEffects, allowed);
    }
    JsonNode timeout = hook.get("timeoutSeconds");
    if (timeout != null && !timeout.isNull() && (timeout.asLong() > 30 || timeout.asLong() < 1)) {
      errs.invalid(path + ".timeoutSeconds", timeout, "the timeout value must be between 1 and 30 seconds");
    }
    labelSelector(hook.get("namespaceSelector"), path + ".namespaceSelector", errs);
    labelSelector(hook.get("objectSelector"), path + ".objectSelector", errs);
    if (mutating) {
      oneOf(hook, "reinvocationPolicy", REINVOCATION_POLICIES, path, errs);
    }
    clientConfig(hook.path("clientConfig"), path + ".clientConfig", errs);
    MatchConditionsValidation.validate(hook.get("matchConditions"), path + ".matchConditions",
        AdmissionCompileEnv.stateless(false), errs);
  }

  private static void oneOf(JsonNode hook, String field, List<String> supported, String path, FieldErrors errs) {
    JsonNode v = hook.get(field);
    if (v != null && !v.isNull() && !supported.contains(v.asText())) {
      errs.notSupported(path + "." + field, v, supported);
    }
  }

  /** kube's {@code IsFullyQualifiedName}: a DNS subdomain of at least three dot-separated segments. */
  private static void fullyQualifiedName(String name, String path, FieldErrors errs) {
    if (name.isEmpty()) {
      errs.required(path);
      return;
    }
    List<String> problems = Validators.dns1123Subdomain(name);
    if (!problems.isEmpty()) {
      errs.invalid(path, name, String.join(",", problems));
    } else if (name.split("\\.", -1).length < 3) {
      errs.invalid(path, name, "should be a domain with at least three segments separated by dots");
    }
  }

  static void rule(JsonNode rule, String path, FieldErrors errs) {
    List<String> operations = requiredAlone(rule, "operations", "v1.OperationType", "operations", path, errs);
    for (int i = 0; i < operations.size(); i++) {
      if (!OPERATIONS.contains(operations.get(i))) {
        errs.notSupported(path + ".operations[" + i + "]", rule.path("operations").get(i), OPERATIONS);
      }
    }
    requiredAlone(rule, "apiGroups", "string", "API groups", path, errs);
    List<String> versions = requiredAlone(rule, "apiVersions", "string", "API versions", path, errs);
    for (int i = 0; i < versions.size(); i++) {
      if (versions.get(i).isEmpty()) {
        errs.required(path + ".apiVersions[" + i + "]");
      }
    }
    resources(texts(rule.path("resources")), path + ".resources", errs);
    JsonNode scope = rule.get("scope");
    if (scope != null && !scope.isNull() && !SCOPES.contains(scope.asText())) {
      errs.notSupported(path + ".scope", scope, SCOPES);
    }
  }

  /**
   * The values of a rule's list {@code field}: required, and {@code *} only alone ({@code goType} and
   * {@code what} as kube's message names them).
   */
  private static List<String> requiredAlone(JsonNode rule, String field, String goType, String what, String path,
                                            FieldErrors errs) {
    List<String> values = texts(rule.path(field));
    if (values.isEmpty()) {
      errs.required(path + "." + field);
    }
    if (values.size() > 1 && values.contains("*")) {
      errs.invalidRendered(path + "." + field, goStrings(goType, values),
          "if '*' is present, must not specify other " + what);
    }
    return values;
  }

  /** kube's wildcard rules of {@code resources}: {@code *}, {@code * /*}, {@code r/*} and {@code * /s}. */
  private static void resources(List<String> resources, String path, FieldErrors errs) {
    if (resources.isEmpty()) {
      errs.required(path);
    }
    Set<String> wildcardSub = new HashSet<>();
    Set<String> wildcardRes = new HashSet<>();
    boolean doubleWildcard = false;
    boolean singleWildcard = false;
    boolean plainResource = false;
    for (int i = 0; i < resources.size(); i++) {
      String entry = resources.get(i);
      if (entry.isEmpty()) {
        errs.required(path + "[" + i + "]");
        continue;
      }
      doubleWildcard |= entry.equals("*/*");
      singleWildcard |= entry.equals("*");
      int slash = entry.indexOf('/');
      if (slash < 0) {
        plainResource = !entry.equals("*");
        continue;
      }
      String res = entry.substring(0, slash);
      String sub = entry.substring(slash + 1);
      if (wildcardSub.contains(res)) {
        errs.invalid(path + "[" + i + "]", entry, "if '" + res + "/*' is present, must not specify " + entry);
      }
      if (wildcardRes.contains(sub)) {
        errs.invalid(path + "[" + i + "]", entry, "if '*/" + sub + "' is present, must not specify " + entry);
      }
      if (sub.equals("*")) {
        wildcardSub.add(res);
      }
      if (res.equals("*")) {
        wildcardRes.add(sub);
      }
    }
    if (resources.size() > 1 && doubleWildcard) {
      errs.invalidRendered(path, goStrings("string", resources),
          "if '*/*' is present, must not specify other resources");
    }
    if (singleWildcard && plainResource) {
      errs.invalidRendered(path, goStrings("string", resources),
          "if '*' is present, must not specify other resources without subresources");
    }
  }

  static void labelSelector(JsonNode selector, String path, FieldErrors errs) {
    if (selector != null && selector.isObject()) {
      LabelSelectors.validate(selector, path, errs);
    }
  }

  /** kube's client config rule: exactly one of an https {@code url} or a {@code service} (shared with CRD conversion). */
  static void clientConfig(JsonNode cc, String path, FieldErrors errs) {
    JsonNode url = cc.get("url");
    JsonNode service = cc.get("service");
    boolean hasUrl = url != null && !url.isNull();
    boolean hasService = service != null && !service.isNull();
    if (hasUrl == hasService) {
      errs.required(path, "exactly one of url or service is required");
    } else if (hasUrl) {
      url(url.asText(), path + ".url", errs);
    } else {
      service(service, path + ".service", errs);
    }
  }

  /** kube's {@code ValidateWebhookURL} with https forced. */
  private static void url(String text, String path, FieldErrors errs) {
    URI u;
    try {
      u = new URI(text);
    } catch (URISyntaxException e) {
      errs.required(path, "url must be a valid URL: " + e.getMessage() + URL_FORM);
      return;
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme();
    if (!scheme.equals("https")) {
      errs.invalid(path, scheme, "'https' is the only allowed URL scheme" + URL_FORM);
    }
    String host = u.getRawAuthority() == null ? "" : u.getRawAuthority().replaceFirst("^.*@", "");
    if (host.isEmpty()) {
      errs.invalid(path, host, "host must be provided" + URL_FORM);
    }
    if (u.getRawUserInfo() != null) {
      errs.invalid(path, u.getRawUserInfo(), "user information is not permitted in the URL");
    }
    if (u.getRawFragment() != null && !u.getRawFragment().isEmpty()) {
      errs.invalid(path, u.getRawFragment(), "fragments are not permitted in the URL");
    }
    if (u.getRawQuery() != null && !u.getRawQuery().isEmpty()) {
      errs.invalid(path, u.getRawQuery(), "query parameters are not permitted in the URL");
    }
  }

  /** kube's {@code ValidateWebhookService}: name, namespace, port, and a path of DNS-subdomain segments. */
  private static void service(JsonNode service, String path, FieldErrors errs) {
    if (service.path("name").asText("").isEmpty()) {
      errs.required(path + ".name", "service name is required");
    }
    if (service.path("namespace").asText("").isEmpty()) {
      errs.required(path + ".namespace", "service namespace is required");
    }
    JsonNode port = service.get("port");
    if (port != null && !port.isNull() && !Validators.validPort(port)) {
      errs.invalid(path + ".port", port, "port is not valid: " + Validators.PORT_RANGE);
    }
    String p = service.path("path").asText("");
    if (p.isEmpty() || p.equals("/")) {
      return;
    }
    if (p.equals("//")) {
      errs.invalid(path + ".path", p, "segment[0] may not be empty");
      return;
    }
    if (!p.startsWith("/")) {
      errs.invalid(path + ".path", p, "must start with a '/'");
    }
    String check = p.substring(1);
    if (check.endsWith("/")) {
      check = check.substring(0, check.length() - 1);
    }
    String[] steps = check.split("/", -1);
    for (int i = 0; i < steps.length; i++) {
      if (steps[i].isEmpty()) {
        errs.invalid(path + ".path", p, "segment[" + i + "] may not be empty");
        continue;
      }
      int segment = i;
      Validators.dns1123Subdomain(steps[i])
          .forEach(m -> errs.invalid(path + ".path", p, "segment[" + segment + "]: " + m));
    }
  }

  /** Review versions: unique DNS-1035 labels, one of them v1 or v1beta1 when {@code requireKnown} (also CRD conversion's). */
  static void reviewVersions(JsonNode versions, String path, boolean requireKnown, FieldErrors errs) {
    List<String> given = texts(versions);
    if (given.isEmpty()) {
      errs.required(path, "must specify one of " + String.join(", ", REVIEW_VERSIONS));
      return;
    }
    Set<String> seen = new HashSet<>();
    boolean known = false;
    for (int i = 0; i < given.size(); i++) {
      String v = given.get(i);
      if (!seen.add(v)) {
        errs.invalid(path + "[" + i + "]", v, "duplicate version");
        continue;
      }
      int index = i;
      Validators.dns1035Label(v).forEach(m -> errs.invalid(path + "[" + index + "]", v, m));
      known |= REVIEW_VERSIONS.contains(v);
    }
    if (requireKnown && !known) {
      errs.invalidRendered(path, goStrings("string", given), "must include at least one of "
          + String.join(", ", REVIEW_VERSIONS));
    }
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  /** A string slice as Go's {@code %#v} prints it: {@code []string{"a", "b"}}. */
  private static String goStrings(String elementType, List<String> values) {
    return "[]" + elementType + "{" + values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(", ")) + "}";
  }
}
