package io.dekube.core.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities.Amount;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pods: {@code pods}, {@code count/pods}, {@code cpu}/{@code requests.cpu}, {@code limits.cpu}, the
 * same for memory and ephemeral-storage, hugepages and {@code requests.<extended resource>}; the
 * scopes Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass (In, NotIn, Exists,
 * DoesNotExist) and CrossNamespacePodAffinity. A pod in phase Succeeded or Failed, or deleting past
 * its grace period, counts only {@code count/pods}. Creates only (a pod's resources do not change).
 */
final class PodEvaluator implements QuotaEvaluator {

  private static final Set<String> NAMES = Set.of("count/pods", "pods", "cpu", "memory", "ephemeral-storage",
      "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
      "limits.ephemeral-storage");
  /** The resources a container must state when a quota tracks them (kube's backward-compatible rule). */
  private static final Set<String> MUST_SPECIFY = Set.of("cpu", "memory", "requests.cpu", "requests.memory",
      "limits.cpu", "limits.memory");

  @Override
  public boolean handles(boolean create) {
    return create;
  }

  @Override
  public Set<String> matchingResources(Collection<String> hard) {
    Set<String> out = new TreeSet<>();
    for (String h : hard) {
      if (NAMES.contains(h) || h.startsWith("hugepages-") || h.startsWith("requests.hugepages-")
          || (h.startsWith("requests.") && !native_(h.substring("requests.".length())))) {
        out.add(h);
      }
    }
    return out;
  }

  private static boolean native_(String name) {
    return !name.contains("/") || name.contains("kubernetes.io/");
  }

  @Override
  public TreeMap<String, Amount> usage(ObjectNode pod, Instant now) {
    TreeMap<String, Amount> out = new TreeMap<>();
    out.put("count/pods", Amount.of(1));
    if (!counts(pod, now)) {
      return out;
    }
    out.putAll(compute(PodResources.of(pod, "requests", true), PodResources.of(pod, "limits", true)));
    return out;
  }

  /** Whether the pod still counts: not in a terminal phase, and not deleting past its grace period. */
  static boolean counts(JsonNode pod, Instant now) {
    String phase = pod.path("status").path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return false;
    }
    String deletion = pod.path("metadata").path("deletionTimestamp").asText("");
    if (!deletion.isEmpty()) {
      try {
        long grace = pod.path("metadata").path("deletionGracePeriodSeconds").asLong(0);
        return now.isBefore(Instant.parse(deletion).plusSeconds(grace));
      } catch (DateTimeParseException e) {
        return true;
      }
    }
    return true;
  }

  /** kube's {@code podComputeUsageHelper}: the quota names of a set of requests and limits. */
  private static TreeMap<String, Amount> compute(Map<String, Amount> requests, Map<String, Amount> limits) {
    TreeMap<String, Amount> out = new TreeMap<>();
    out.put("pods", Amount.of(1));
    for (String r : List.of("cpu", "memory", "ephemeral-storage")) {
      if (requests.containsKey(r)) {
        out.put(r, requests.get(r));
        out.put("requests." + r, requests.get(r));
      }
      if (limits.containsKey(r)) {
        out.put("limits." + r, limits.get(r));
      }
    }
    requests.forEach((k, v) -> {
      if (k.startsWith("hugepages-")) {
        out.put(k, v);
        out.put("requests." + k, v);
      } else if (!native_(k) && !k.startsWith("requests.")) {
        out.put("requests." + k, v);
      }
    });
    return out;
  }

  @Override
  public String constraints(Set<String> required, ObjectNode pod) {
    Set<String> needed = new TreeSet<>(required);
    needed.retainAll(MUST_SPECIFY);
    if (needed.isEmpty()) {
      return null;
    }
    TreeMap<String, Set<String>> missing = new TreeMap<>();
    List<JsonNode> containers = new ArrayList<>();
    pod.path("spec").path("containers").forEach(containers::add);
    pod.path("spec").path("initContainers").forEach(containers::add);
    for (JsonNode c : containers) {
      Set<String> has = compute(ResourceLists.of(c.path("resources").path("requests")),
          ResourceLists.of(c.path("resources").path("limits"))).keySet();
      for (String r : needed) {
        if (!has.contains(r)) {
          missing.computeIfAbsent(r, k -> new TreeSet<>()).add(c.path("name").asText(""));
        }
      }
    }
    if (missing.isEmpty()) {
      return null;
    }
    StringJoiner j = new StringJoiner("; ");
    missing.forEach((r, names) -> j.add(r + " for: " + String.join(",", names)));
    return "must specify " + j;
  }

  @Override
  public boolean matchesScope(JsonNode selector, ObjectNode pod) {
    JsonNode spec = pod.path("spec");
    return switch (selector.path("scopeName").asText("")) {
      case "Terminating" -> terminating(spec);
      case "NotTerminating" -> !terminating(spec);
      case "BestEffort" -> bestEffort(spec);
      case "NotBestEffort" -> !bestEffort(spec);
      case "PriorityClass" -> priorityClass(selector, spec.path("priorityClassName").asText(""));
      case "CrossNamespacePodAffinity" -> crossNamespaceAffinity(spec.path("affinity"));
      default -> false;
    };
  }

  private static boolean terminating(JsonNode spec) {
    JsonNode d = spec.get("activeDeadlineSeconds");
    return d != null && d.isNumber() && d.asLong() >= 0;
  }

  /** BestEffort QoS: no container (init ones too) requests or limits cpu or memory. */
  private static boolean bestEffort(JsonNode spec) {
    List<JsonNode> containers = new ArrayList<>();
    spec.path("containers").forEach(containers::add);
    spec.path("initContainers").forEach(containers::add);
    for (JsonNode c : containers) {
      for (String f : List.of("requests", "limits")) {
        JsonNode list = c.path("resources").path(f);
        for (String r : List.of("cpu", "memory")) {
          Amount a = Quantities.parse(list.get(r));
          if (a != null && a.value().signum() != 0) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static boolean priorityClass(JsonNode selector, String className) {
    Set<String> values = new TreeSet<>();
    selector.path("values").forEach(v -> values.add(v.asText()));
    boolean has = !className.isEmpty();
    return switch (selector.path("operator").asText("")) {
      case "In" -> has && values.contains(className);
      case "NotIn" -> !has || !values.contains(className);
      case "Exists" -> has;
      case "DoesNotExist" -> !has;
      default -> false;
    };
  }

  private static boolean crossNamespaceAffinity(JsonNode affinity) {
    for (String kind : List.of("podAffinity", "podAntiAffinity")) {
      JsonNode a = affinity.path(kind);
      for (JsonNode t : a.path("requiredDuringSchedulingIgnoredDuringExecution")) {
        if (crossNamespace(t)) {
          return true;
        }
      }
      for (JsonNode w : a.path("preferredDuringSchedulingIgnoredDuringExecution")) {
        if (crossNamespace(w.path("podAffinityTerm"))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean crossNamespace(JsonNode term) {
    return term.path("namespaces").size() > 0 || (term.has("namespaceSelector") && !term.get("namespaceSelector").isNull());
  }
}
