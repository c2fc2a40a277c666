package io.dekube.store.admission.podsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.ResourceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The warnings of kube's PodSecurity admission, for the client that made a write that was admitted:
 * <ul>
 *   <li>a pod (created, or updated significantly) or a workload resource whose pod template violates the
 *   namespace's {@code warn} level: {@code would violate PodSecurity "restricted:latest": ...};</li>
 *   <li>a namespace update that makes the {@code enforce} level stricter (or changes its version): which
 *   of the namespace's existing pods violate it, grouped by what they violate (the first 3,000 pods).</li>
 * </ul>
 * Pure and thread-safe.
 */
public final class PodSecurityWarnings {

  /** How many of a namespace's pods a namespace update checks, as kube. */
  static final int MAX_PODS_TO_CHECK = 3000;

  private PodSecurityWarnings() {
  }

  /**
   * The warnings of an admitted write of a pod or a workload resource.
   *
   * @param old       the object before an update; null on create
   * @param namespace the object's namespace (null: unlabelled)
   */
  public static List<String> forObject(ResourceType type, JsonNode obj, JsonNode old, JsonNode namespace) {
    return forObject(type, obj, old, namespace, PodSecurityConfig.DEFAULT);
  }

  /**
   * The warnings of an admitted write of a pod or a workload resource under {@code config}: none in an exempt
   * namespace or for an exempt runtime class.
   */
  public static List<String> forObject(ResourceType type, JsonNode obj, JsonNode old, JsonNode namespace,
                                       PodSecurityConfig config) {
    PodTemplates.Template t = PodTemplates.of(type, obj);
    if (t == null) {
      return List.of();
    }
    if (PodTemplates.isPod(type) && old != null && !PodUpdates.significant(obj, old)) {
      return List.of();
    }
    if (config.exemptNamespace(obj.path("metadata").path("namespace").asText(""))
        || config.exemptRuntimeClass(t.spec())) {
      return List.of();
    }
    LevelVersion warn = NamespacePolicy.of(namespace, config.defaults()).policy().warn();
    List<Violation> violations = PodSecurityEvaluator.evaluate(warn, t.metadata(), t.spec());
    if (violations.isEmpty()) {
      return List.of();
    }
    return List.of("would violate PodSecurity \"" + warn + "\": " + PodSecurityEvaluator.detail(violations));
  }

  /** The prefix of the plugin's audit annotations. */
  public static final String AUDIT_PREFIX = "pod-security.kubernetes.io/";

  /**
   * The audit annotations kube's plugin gives the request of an admitted write of a pod or a workload
   * resource: {@code pod-security.kubernetes.io/exempt} ({@code namespace}, {@code runtimeClass}) for an exempt
   * one; for a pod its {@code enforce-policy} (the level it was checked at, {@code privileged:latest} where every
   * mode is privileged); {@code audit-violations} ({@code would violate PodSecurity "restricted:latest": ...}) when
   * it violates the namespace's {@code audit} level; {@code error} when the namespace's labels are not valid. Empty
   * for other kinds, status writes and pod updates kube does not count as significant.
   */
  public static Map<String, String> auditAnnotations(ResourceType type, JsonNode obj, JsonNode old,
                                                     JsonNode namespace, PodSecurityConfig config) {
    PodTemplates.Template t = PodTemplates.of(type, obj);
    boolean pod = PodTemplates.isPod(type);
    if (t == null || (pod && old != null && !PodUpdates.significant(obj, old))) {
      return Map.of();
    }
    if (config.exemptNamespace(obj.path("metadata").path("namespace").asText(""))) {
      return Map.of(AUDIT_PREFIX + "exempt", "namespace");
    }
    NamespacePolicy.Parsed parsed = NamespacePolicy.of(namespace, config.defaults());
    NamespacePolicy policy = parsed.policy();
    boolean valid = parsed.errors().isEmpty();
    if (valid && pod && policy.allPrivileged()) {
      return Map.of(AUDIT_PREFIX + "enforce-policy", LevelVersion.PRIVILEGED.toString());
    }
    if (valid && !pod && policy.audit().level() == Level.PRIVILEGED && policy.warn().level() == Level.PRIVILEGED) {
      return Map.of();
    }
    if (config.exemptRuntimeClass(t.spec())) {
      return Map.of(AUDIT_PREFIX + "exempt", "runtimeClass");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    if (!valid) {
      List<String> errs = parsed.errors().stream().map(e -> "metadata.labels[" + e.label() + "]: Invalid value: \""
          + e.value() + "\": " + e.detail()).toList();
      annotations.put(AUDIT_PREFIX + "error", "Failed to parse policy: "
          + (errs.size() == 1 ? errs.get(0) : "[" + String.join(", ", errs) + "]"));
    }
    if (pod) {
      annotations.put(AUDIT_PREFIX + "enforce-policy", policy.enforce().toString());
    }
    List<Violation> violations = PodSecurityEvaluator.evaluate(policy.audit(), t.metadata(), t.spec());
    if (!violations.isEmpty()) {
      annotations.put(AUDIT_PREFIX + "audit-violations", "would violate PodSecurity \"" + policy.audit() + "\": "
          + PodSecurityEvaluator.detail(violations));
    }
    return annotations;
  }

  /**
   * Whether an update of a namespace from {@code old} checks its pods: the enforce level changed, is not
   * privileged, and is stricter or of another version.
   */
  public static boolean checksPods(JsonNode namespace, JsonNode old) {
    return checksPods(namespace, old, PodSecurityConfig.DEFAULT);
  }

  /** {@link #checksPods(JsonNode, JsonNode)}, unlabelled modes taking {@code config}'s defaults. */
  public static boolean checksPods(JsonNode namespace, JsonNode old, PodSecurityConfig config) {
    if (old == null) {
      return false;
    }
    LevelVersion now = NamespacePolicy.of(namespace, config.defaults()).policy().enforce();
    LevelVersion before = NamespacePolicy.of(old, config.defaults()).policy().enforce();
    return !now.equals(before) && now.level() != Level.PRIVILEGED
        && !(now.minor() == before.minor() && now.level().compareTo(before.level()) <= 0);
  }

  /**
   * The warnings of an admitted namespace update about its existing pods.
   *
   * @param pods the namespace's pods
   */
  public static List<String> forNamespaceUpdate(JsonNode namespace, JsonNode old, List<? extends JsonNode> pods) {
    return forNamespaceUpdate(namespace, old, pods, PodSecurityConfig.DEFAULT);
  }

  /**
   * {@link #forNamespaceUpdate(JsonNode, JsonNode, List)} under {@code config}: an exempt namespace's pods are
   * not checked; instead kube warns that the labels' policy is ignored, on its create ({@code old} null) too.
   */
  public static List<String> forNamespaceUpdate(JsonNode namespace, JsonNode old, List<? extends JsonNode> pods,
                                                PodSecurityConfig config) {
    String name = namespace.path("metadata").path("name").asText("");
    if (old == null ? !config.exemptNamespace(name) : !checksPods(namespace, old, config)) {
      return List.of();
    }
    NamespacePolicy policy = NamespacePolicy.of(namespace, config.defaults()).policy();
    LevelVersion now = policy.enforce();
    if (config.exemptNamespace(name)) {
      String ignored = exemptPolicy(policy, namespace.path("metadata").path("labels"), config.defaults());
      return ignored == null ? List.of()
          : List.of("namespace \"" + name + "\" is exempt from Pod Security, and the policy (" + ignored
              + ") will be ignored");
    }
    Map<String, PodGroup> byReasons = new LinkedHashMap<>();
    int checked = Math.min(pods.size(), MAX_PODS_TO_CHECK);
    for (JsonNode pod : pods.subList(0, checked)) {
      List<Violation> v = PodSecurityEvaluator.evaluate(now, pod.path("metadata"), pod.path("spec"));
      if (v.isEmpty()) {
        continue;
      }
      String podName = pod.path("metadata").path("name").asText("");
      PodGroup group = byReasons.computeIfAbsent(PodSecurityEvaluator.reasons(v), k -> new PodGroup(podName));
      if (podName.compareTo(group.first) < 0) {
        group.first = podName;
      }
      group.count++;
    }
    List<String> warnings = new ArrayList<>();
    if (checked < pods.size()) {
      warnings.add("new PodSecurity enforce level only checked against the first " + checked + " of " + pods.size()
          + " existing pods");
    }
    if (!byReasons.isEmpty()) {
      warnings.add("existing pods in namespace \"" + name + "\" violate the new PodSecurity enforce level \"" + now
          + "\"");
    }
    List<String> perPod = new ArrayList<>();
    byReasons.forEach((reasons, group) -> perPod.add(group.first + others(group.count - 1) + ": " + reasons));
    perPod.sort(null);
    warnings.addAll(perPod);
    return warnings;
  }

  /**
   * The modes an exempt namespace's labels set to other than privileged ({@code enforce=baseline:latest,
   * warn=restricted:latest}), as kube names the policy it ignores; null when it is all privileged or the defaults.
   */
  private static String exemptPolicy(NamespacePolicy policy, JsonNode labels, NamespacePolicy defaults) {
    if (policy.allPrivileged() || policy.equals(defaults)) {
      return null;
    }
    List<String> modes = new ArrayList<>();
    String[] names = {"enforce", "audit", "warn"};
    LevelVersion[] values = {policy.enforce(), policy.audit(), policy.warn()};
    for (int i = 0; i < names.length; i++) {
      String label = NamespacePolicy.PREFIX + names[i];
      if (values[i].level() != Level.PRIVILEGED && (labels.has(label) || labels.has(label + "-version"))) {
        modes.add(names[i] + "=" + values[i]);
      }
    }
    return modes.isEmpty() ? null : String.join(", ", modes);
  }

  /** The pods that violate the same checks: the first of them by name, and how many. */
  private static final class PodGroup {
    String first;
    int count;

    PodGroup(String first) {
      this.first = first;
    }
  }

  private static String others(int n) {
    return n == 0 ? "" : n == 1 ? " (and 1 other pod)" : " (and " + n + " other pods)";
  }
}
