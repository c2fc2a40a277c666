package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The pod spec fields of features kube 1.32 keeps off by default, dropped as its {@code dropDisabledFields}
 * ({@code pkg/api/pod/util.go}) drops them from pods and from every pod template: on a create always, on an update
 * unless the stored spec already uses the feature (kube's "not in use" rule, so an object stored with the field keeps
 * it). The gates, with their 1.32 defaults from kube's versioned {@code kube_features.go}:
 * <pre>
 * gate                           1.32 default   what is dropped
 * InPlacePodVerticalScaling      alpha, off     containers' resizePolicy (on in 1.33)
 * UserNamespacesSupport          beta, off      hostUsers (on in 1.33)
 * SupplementalGroupsPolicy       alpha, off     securityContext.supplementalGroupsPolicy (on in 1.33)
 * SELinuxChangePolicy            alpha, off     securityContext.seLinuxChangePolicy (on in 1.33)
 * PodLevelResources              alpha, off     the pod's resources (kept if the old one had requests or limits)
 * ProcMountType                  beta, off      a container's securityContext.procMount made "Default" (kept when
 *                                               the old spec has another value; on in 1.33)
 * DynamicResourceAllocation      beta, off      resourceClaims and the containers' resources.claims
 * ClusterTrustBundleProjection   alpha, off     projected volumes' clusterTrustBundle sources
 * ImageVolume                    alpha, off     image volumes and the mounts of them
 * </pre>
 * On in 1.32, so kept: SidecarContainers (an init container's restartPolicy), RecursiveReadOnlyMounts,
 * PodLifecycleSleepAction, MatchLabelKeysInPodTopologySpread, MatchLabelKeysInPodAffinity,
 * NodeInclusionPolicyInPodTopologySpread. Gates of 1.33 and later (ContainerStopSignals, container restart rules…)
 * have no field in 1.32's API and are not listed. So "Resize CPU and Memory Resources assigned to Containers" finds
 * no {@code resizePolicy} in {@code kubectl get pod -o yaml}, and "Use a User Namespace With a Pod" gets a pod without
 * {@code hostUsers}, in the node's user namespace ({@code /proc/self/uid_map} {@code 0 0 4294967295}). A decision: the
 * fields go with the defaults, which the mutating webhooks see, where kube drops them in its strategy after those
 * webhooks; what a webhook adds is dropped all the same, as the defaults run again after it. Pure.
 */
final class DisabledPodFields {

  private static final String[] CONTAINER_LISTS = {"initContainers", "containers", "ephemeralContainers"};

  /** A gate off in 1.32: whether an old spec uses its fields, and how they are dropped from a new one. */
  private record Gate(String name, Predicate<JsonNode> inUse, Consumer<ObjectNode> drop) {
  }

  private static final Gate IN_PLACE_RESIZE = new Gate("InPlacePodVerticalScaling",
      old -> anyContainer(old, c -> c.path("resizePolicy").size() > 0),
      spec -> containers(spec).forEach(c -> c.remove("resizePolicy")));
  private static final Gate SUPPLEMENTAL_GROUPS_POLICY = new Gate("SupplementalGroupsPolicy",
      old -> present(old.path("securityContext").path("supplementalGroupsPolicy")),
      spec -> removeFrom(spec.get("securityContext"), "supplementalGroupsPolicy"));
  private static final Gate RESOURCE_CLAIMS = new Gate("DynamicResourceAllocation",
      old -> old.path("resourceClaims").size() > 0,
      DisabledPodFields::dropClaims);

  private static final List<Gate> OFF_IN_1_32 = List.of(
      IN_PLACE_RESIZE,
      new Gate("UserNamespacesSupport",
          old -> present(old.path("hostUsers")),
          spec -> spec.remove("hostUsers")),
      SUPPLEMENTAL_GROUPS_POLICY,
      new Gate("SELinuxChangePolicy",
          old -> present(old.path("securityContext").path("seLinuxChangePolicy")),
          spec -> removeFrom(spec.get("securityContext"), "seLinuxChangePolicy")),
      new Gate("PodLevelResources",
          old -> old.path("resources").path("requests").size() > 0 || old.path("resources").path("limits").size() > 0,
          spec -> spec.remove("resources")),
      new Gate("ProcMountType",
          old -> anyContainer(old, c -> present(procMount(c)) && !procMount(c).asText().equals("Default")),
          DisabledPodFields::defaultProcMounts),
      RESOURCE_CLAIMS,
      new Gate("ClusterTrustBundleProjection",
          old -> projectedSources(old).stream().anyMatch(s -> s.has("clusterTrustBundle")),
          spec -> projectedSources(spec).forEach(s -> s.remove("clusterTrustBundle"))),
      new Gate("ImageVolume",
          old -> Nodes.objects(old, "volumes").stream().anyMatch(v -> present(v.path("image"))),
          DisabledPodFields::dropImageVolumes));

  private DisabledPodFields() {
  }

  /**
   * Drops the disabled features' fields from {@code spec} in place, but those {@code oldSpec} already uses
   * (null or missing on a create).
   */
  static void drop(ObjectNode spec, JsonNode oldSpec) {
    JsonNode old = oldSpec == null ? MissingNode.getInstance() : oldSpec;
    for (Gate gate : OFF_IN_1_32) {
      if (!gate.inUse().test(old)) {
        gate.drop().accept(spec);
      }
    }
  }

  /**
   * Drops the disabled features' fields from a pod's {@code status} as kube's {@code dropDisabledPodStatusFields}
   * does on a status write: the containers' {@code resources} and {@code allocatedResources}
   * (InPlacePodVerticalScaling; kept while the old spec has a resizePolicy), {@code allocatedResourcesStatus}
   * (ResourceHealthStatus, alpha and off: always), {@code user} (SupplementalGroupsPolicy; kept while the old spec
   * has the policy) and {@code resourceClaimStatuses} (DynamicResourceAllocation; kept while the old spec has claims).
   * The containers' {@code volumeMounts} stay: RecursiveReadOnlyMounts is on.
   */
  static void dropStatus(ObjectNode status, JsonNode oldSpec) {
    JsonNode old = oldSpec == null ? MissingNode.getInstance() : oldSpec;
    boolean resize = IN_PLACE_RESIZE.inUse().test(old);
    boolean groupsPolicy = SUPPLEMENTAL_GROUPS_POLICY.inUse().test(old);
    for (String list : new String[] {"initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"}) {
      for (ObjectNode c : Nodes.objects(status, list)) {
        if (!resize) {
          c.remove("resources");
          c.remove("allocatedResources");
        }
        c.remove("allocatedResourcesStatus");
        if (!groupsPolicy) {
          c.remove("user");
        }
      }
    }
    if (!RESOURCE_CLAIMS.inUse().test(old)) {
      status.remove("resourceClaimStatuses");
    }
  }

  private static boolean present(JsonNode n) {
    return !n.isMissingNode() && !n.isNull();
  }

  private static void removeFrom(JsonNode parent, String field) {
    if (parent instanceof ObjectNode o) {
      o.remove(field);
    }
  }

  private static List<ObjectNode> containers(JsonNode spec) {
    List<ObjectNode> all = new ArrayList<>();
    for (String list : CONTAINER_LISTS) {
      all.addAll(Nodes.objects(spec, list));
    }
    return all;
  }

  private static boolean anyContainer(JsonNode spec, Predicate<ObjectNode> test) {
    return containers(spec).stream().anyMatch(test);
  }

  private static JsonNode procMount(JsonNode c) {
    return c.path("securityContext").path("procMount");
  }

  /** kube cannot make the field nil (1.12 stored it forced to a value): a procMount given becomes "Default". */
  private static void defaultProcMounts(ObjectNode spec) {
    for (ObjectNode c : containers(spec)) {
      if (present(procMount(c))) {
        ((ObjectNode) c.get("securityContext")).put("procMount", "Default");
      }
    }
  }

  private static void dropClaims(ObjectNode spec) {
    spec.remove("resourceClaims");
    for (ObjectNode c : containers(spec)) {
      removeFrom(c.get("resources"), "claims");
    }
  }

  private static List<ObjectNode> projectedSources(JsonNode spec) {
    List<ObjectNode> sources = new ArrayList<>();
    for (ObjectNode v : Nodes.objects(spec, "volumes")) {
      sources.addAll(Nodes.objects(v.path("projected"), "sources"));
    }
    return sources;
  }

  /** kube drops the image volumes and every container's mounts of them. */
  private static void dropImageVolumes(ObjectNode spec) {
    if (!(spec.get("volumes") instanceof ArrayNode volumes)) {
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = volumes.size() - 1; i >= 0; i--) {
      if (present(volumes.get(i).path("image"))) {
        names.add(volumes.get(i).path("name").asText(""));
        volumes.remove(i);
      }
    }
    if (names.isEmpty()) {
      return;
    }
    for (ObjectNode c : containers(spec)) {
      if (c.get("volumeMounts") instanceof ArrayNode mounts) {
        for (int i = mounts.size() - 1; i >= 0; i--) {
          if (names.contains(mounts.get(i).path("name").asText(""))) {
            mounts.remove(i);
          }
        }
      }
    }
  }
}
