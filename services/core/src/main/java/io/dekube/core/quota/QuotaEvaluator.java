package io.dekube.core.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities.Amount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a ResourceQuota counts for one kind of object, as kube's quota evaluators
 * ({@code pkg/quota/v1/evaluator/core}, {@code apiserver/pkg/quota/v1/generic}) do: which quota
 * resource names it tracks, the usage of one object, whether a quota's scopes select the object,
 * and the pod rule that a quota on cpu or memory needs every container to state it. Works on the
 * store's JSON objects, so that the writer's admission and the controller-manager's resourcequota
 * controller count alike. Pure and thread-safe.
 */
public interface QuotaEvaluator {

  /** The evaluator of a resource ({@code group} "" for core, {@code plural} e.g. {@code pods}). */
  static QuotaEvaluator of(String group, String plural) {
    if (group.isEmpty()) {
      switch (plural) {
        case "pods":
          return new PodEvaluator();
        case "services":
          return new ServiceEvaluator();
        case "persistentvolumeclaims":
          return new ClaimEvaluator();
        default:
          break;
      }
    }
    return new CountEvaluator(group, plural);
  }

  /** The object-count resource name of a resource: {@code count/pods}, {@code count/deployments.apps}. */
  static String countName(String group, String plural) {
    return "count/" + (group.isEmpty() ? plural : plural + "." + group);
  }

  /** Whether a write of this kind can change usage: creates always, updates only where usage can change. */
  boolean handles(boolean create);

  /** The names of {@code hard} (a quota's resource names) this evaluator tracks. */
  Set<String> matchingResources(Collection<String> hard);

  /** The usage of one object (pods past their end count only {@code count/pods}). */
  TreeMap<String, Amount> usage(ObjectNode obj, Instant now);

  /** Whether one scope selector ({@code scopeName}, {@code operator}, {@code values}) selects {@code obj}. */
  default boolean matchesScope(JsonNode selector, ObjectNode obj) {
    return false; // only pods have scopes (kube's MatchesNoScopeFunc)
  }

  /**
   * Why {@code obj} cannot be admitted under a quota that tracks {@code required} (kube's
   * {@code Constraints}: {@code must specify limits.cpu for: nginx}), or null.
   */
  default String constraints(Set<String> required, ObjectNode obj) {
    return null;
  }

  /** The scope selectors of a quota: its {@code spec.scopes} (operator Exists) and {@code spec.scopeSelector}. */
  static List<JsonNode> scopeSelectors(JsonNode quota) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode s : quota.path("spec").path("scopes")) {
      out.add(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
          .put("scopeName", s.asText()).put("operator", "Exists"));
    }
    quota.path("spec").path("scopeSelector").path("matchExpressions").forEach(out::add);
    return out;
  }

  /**
   * Whether {@code quota} applies to {@code obj}: it limits a resource this evaluator tracks, and
   * every one of its scopes selects the object (kube's {@code generic.Matches}).
   */
  default boolean matches(JsonNode quota, ObjectNode obj) {
    if (matchingResources(hardNames(quota)).isEmpty()) {
      return false;
    }
    for (JsonNode selector : scopeSelectors(quota)) {
      if (!matchesScope(selector, obj)) {
        return false;
      }
    }
    return true;
  }

  /** The names of {@code hard} that are in {@code tracked}, sorted. */
  static Set<String> among(Collection<String> hard, Set<String> tracked) {
    Set<String> out = new TreeSet<>(hard);
    out.retainAll(tracked);
    return out;
  }

  /** The resource names of a quota's {@code spec.hard}. */
  static Set<String> hardNames(JsonNode quota) {
    Set<String> names = new TreeSet<>();
    quota.path("spec").path("hard").fieldNames().forEachRemaining(names::add);
    return names;
  }
}
