package io.dekube.apiserver.aggregator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.discovery.ApiCatalog;
import io.dekube.apiserver.discovery.ServedGroup;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The APIServices of the group versions the apiserver serves itself, as kube-apiserver's
 * autoregister controller makes them: one per group version, named {@code <version>.<group>}
 * ({@code v1.} for the core group), without a service, labelled
 * {@code kube-aggregator.kubernetes.io/automanaged}: {@code onstart} for the built-in groups,
 * {@code true} for the groups of CRDs; with kube's priorities (CRD groups 1000/100) and no status:
 * as in kube, the availability controller then writes {@code Available=True Local} through the status
 * subresource, so the object's managedFields hold kube-apiserver's spec entry and its status entry.
 * Pure.
 */
public final class LocalApiServices {

  /** The label that marks an APIService the apiserver keeps. */
  public static final String AUTOMANAGED = "kube-aggregator.kubernetes.io/automanaged";

  private record Priority(int group, int version) {
  }

  /** kube-apiserver's priorities of the built-in group versions ({@code group/version}, "" group for core). */
  private static final Map<String, Priority> PRIORITIES = Map.ofEntries(
      Map.entry("/v1", new Priority(18000, 1)),
      Map.entry("apiregistration.k8s.io/v1", new Priority(18000, 15)),
      Map.entry("extensions/v1beta1", new Priority(17900, 1)),
      Map.entry("apps/v1", new Priority(17800, 15)),
      Map.entry("apps/v1beta2", new Priority(17800, 9)),
      Map.entry("apps/v1beta1", new Priority(17800, 1)),
      Map.entry("events.k8s.io/v1", new Priority(17750, 15)),
      Map.entry("authentication.k8s.io/v1", new Priority(17700, 15)),
      Map.entry("authorization.k8s.io/v1", new Priority(17600, 15)),
      Map.entry("autoscaling/v1", new Priority(17500, 15)),
      Map.entry("autoscaling/v2", new Priority(17500, 30)),
      Map.entry("batch/v1", new Priority(17400, 15)),
      Map.entry("batch/v1beta1", new Priority(17400, 9)),
      Map.entry("certificates.k8s.io/v1", new Priority(17300, 15)),
      Map.entry("networking.k8s.io/v1", new Priority(17200, 15)),
      Map.entry("networking.k8s.io/v1beta1", new Priority(17200, 9)),
      Map.entry("policy/v1", new Priority(17100, 15)),
      Map.entry("policy/v1beta1", new Priority(17100, 9)),
      Map.entry("rbac.authorization.k8s.io/v1", new Priority(17000, 15)),
      Map.entry("storage.k8s.io/v1", new Priority(16800, 15)),
      Map.entry("apiextensions.k8s.io/v1", new Priority(16700, 15)),
      Map.entry("admissionregistration.k8s.io/v1", new Priority(16700, 15)),
      Map.entry("scheduling.k8s.io/v1", new Priority(16600, 15)),
      Map.entry("coordination.k8s.io/v1", new Priority(16500, 15)),
      Map.entry("node.k8s.io/v1", new Priority(16300, 15)),
      Map.entry("discovery.k8s.io/v1", new Priority(16200, 15)),
      Map.entry("flowcontrol.apiserver.k8s.io/v1", new Priority(16100, 21)));

  private LocalApiServices() {
  }

  /** The APIService name of a group version: {@code v1.}, {@code v1.apps}. */
  public static String name(String group, String version) {
    return version + "." + group;
  }

  /**
   * The wanted local APIServices of {@code catalog}; {@code customGroups} are the groups of CRDs
   * (automanaged {@code true}), every other group is built in ({@code onstart}).
   */
  public static List<ObjectNode> wanted(ApiCatalog catalog, Set<String> customGroups) {
    List<ObjectNode> out = new ArrayList<>();
    List<ServedGroup> groups = new ArrayList<>();
    groups.add(catalog.core());
    groups.addAll(catalog.groups());
    for (ServedGroup g : groups) {
      boolean custom = customGroups.contains(g.name());
      for (ServedGroup.ServedVersion v : g.versions()) {
        out.add(apiService(g.name(), v.version(), priority(g, v.version(), custom), custom));
      }
    }
    return out;
  }

  /** The groups of the served custom kinds. */
  public static Set<String> customGroups(java.util.Collection<CustomKind> kinds) {
    return kinds.stream().map(k -> k.type().group()).collect(Collectors.toSet());
  }

  private static Priority priority(ServedGroup g, String version, boolean custom) {
    if (custom) {
      return new Priority(1000, 100);
    }
    Priority known = PRIORITIES.get(g.name() + "/" + version);
    if (known != null) {
      return known;
    }
    int group = PRIORITIES.entrySet().stream().filter(e -> e.getKey().startsWith(g.name() + "/"))
        .mapToInt(e -> e.getValue().group()).max().orElse(16000);
    return new Priority(group, g.preferred().version().equals(version) ? 15 : 9);
  }

  private static ObjectNode apiService(String group, String version, Priority p, boolean custom) {
    ObjectNode api = Json.object().put("apiVersion", "apiregistration.k8s.io/v1").put("kind", "APIService");
    ObjectNode meta = Json.metadata(api).put("name", name(group, version));
    meta.putObject("labels").put(AUTOMANAGED, custom ? "true" : "onstart");
    ObjectNode spec = api.putObject("spec");
    if (!group.isEmpty()) {
      spec.put("group", group);
    }
    spec.put("version", version).put("groupPriorityMinimum", p.group()).put("versionPriority", p.version());
    return api;
  }

  /** Seconds precision, as metav1.Time. */
  static String time(Instant now) {
    return now.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
