package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The fields of kinds other than pods whose features kube 1.32 keeps off by default, dropped as those kinds'
 * registry strategies drop them ({@code dropDisabledFields} and the like): on a create always, on an update unless
 * the stored object already has the field. The gates, with their 1.32 defaults from kube's versioned
 * {@code kube_features.go}:
 * <pre>
 * gate                              1.32 default   kind: what is dropped
 * VolumeAttributesClass             beta, off      PersistentVolumeClaim: spec.volumeAttributesClassName, and on a
 *                                                  status write status.currentVolumeAttributesClassName and
 *                                                  status.modifyVolumeStatus; PersistentVolume:
 *                                                  spec.volumeAttributesClassName
 * CrossNamespaceVolumeDataSource    alpha, off     PersistentVolumeClaim: a spec.dataSourceRef with a namespace,
 *                                                  whole (kept when the old claim had a dataSourceRef)
 * MaxUnavailableStatefulSet         alpha, off     StatefulSet: spec.updateStrategy.rollingUpdate.maxUnavailable
 * CoordinatedLeaderElection         alpha, off     Lease: spec.strategy and spec.preferredHolder
 * DynamicKubeletConfig              removed        Node: spec.configSource (kept when the old Node had one) and, on
 *                                                  a create, status.config
 * </pre>
 * On in 1.32, so kept: AnyVolumeDataSource (dataSourceRef), RecoverVolumeExpansionFailure (a claim's
 * allocatedResourceStatuses), JobManagedBy, JobSuccessPolicy, JobBackoffLimitPerIndex, JobPodReplacementPolicy,
 * ServiceTrafficDistribution, StatefulSetAutoDeletePVC, TopologyAwareHints. The pod templates of workloads drop the
 * pod fields ({@link DisabledPodFields}). Pure; changes the given nodes.
 */
final class DisabledFields {

  private DisabledFields() {
  }

  /** A claim's spec; {@code oldSpec} the stored claim's, null on a create. */
  static void claimSpec(ObjectNode spec, JsonNode oldSpec) {
    dropUnlessUsed(spec, oldSpec, "volumeAttributesClassName");
    JsonNode ref = spec.path("dataSourceRef");
    if (!ref.path("namespace").asText("").isEmpty() && !used(oldSpec, "dataSourceRef")) {
      spec.remove("dataSourceRef");
    }
  }

  /** A claim's status on a status write; {@code oldStatus} the stored claim's. */
  static void claimStatus(ObjectNode status, JsonNode oldStatus) {
    dropUnlessUsed(status, oldStatus, "currentVolumeAttributesClassName");
    dropUnlessUsed(status, oldStatus, "modifyVolumeStatus");
  }

  /** A volume's spec; {@code oldSpec} the stored volume's, null on a create. */
  static void volumeSpec(ObjectNode spec, JsonNode oldSpec) {
    dropUnlessUsed(spec, oldSpec, "volumeAttributesClassName");
  }

  /** A StatefulSet's spec; {@code oldSpec} the stored one's, null on a create. */
  static void statefulSetSpec(ObjectNode spec, JsonNode oldSpec) {
    if (spec.path("updateStrategy").get("rollingUpdate") instanceof ObjectNode rollingUpdate) {
      dropUnlessUsed(rollingUpdate, oldSpec == null ? null : oldSpec.path("updateStrategy").path("rollingUpdate"),
          "maxUnavailable");
    }
  }

  /** A Lease; {@code old} the stored one, null on a create. */
  static void lease(ObjectNode lease, JsonNode old) {
    if (lease.get("spec") instanceof ObjectNode spec) {
      JsonNode oldSpec = old == null ? null : old.path("spec");
      dropUnlessUsed(spec, oldSpec, "strategy");
      dropUnlessUsed(spec, oldSpec, "preferredHolder");
    }
  }

  /** A Node; {@code old} the stored one, null on a create. */
  static void node(ObjectNode node, JsonNode old) {
    if (node.get("spec") instanceof ObjectNode spec) {
      dropUnlessUsed(spec, old == null ? null : old.path("spec"), "configSource");
    }
    if (old == null && node.get("status") instanceof ObjectNode status) {
      status.remove("config");
    }
  }

  private static void dropUnlessUsed(ObjectNode parent, JsonNode oldParent, String field) {
    if (!used(oldParent, field)) {
      parent.remove(field);
    }
  }

  private static boolean used(JsonNode oldParent, String field) {
    return oldParent != null && oldParent.hasNonNull(field);
  }
}
