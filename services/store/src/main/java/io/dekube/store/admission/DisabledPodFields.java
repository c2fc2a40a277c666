package io.dekube.store.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The pod spec fields of features kube 1.32 keeps off by default, dropped as its {@code dropDisabledPodFields}
 * drops them from pods and pod templates: a container's {@code resizePolicy} (InPlacePodVerticalScaling, alpha
 * until 1.33), so "Resize CPU and Memory Resources assigned to Containers" finds no {@code resizePolicy} in
 * {@code kubectl get pod -o yaml} and no {@code resize} subresource; the pod's {@code hostUsers}
 * (UserNamespacesSupport, beta but off until 1.33), so "Use a User Namespace With a Pod" gets a pod without it, in
 * the node's user namespace ({@code /proc/self/uid_map} {@code 0 0 4294967295}). A decision: kube keeps a field on
 * an object whose stored spec already has it; dekube drops it there too, as none is stored with it. Pure.
 */
final class DisabledPodFields {

  private DisabledPodFields() {
  }

  /** Drops the disabled features' fields from {@code spec} in place. */
  static void drop(ObjectNode spec) {
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      for (ObjectNode c : Nodes.objects(spec, list)) {
        c.remove("resizePolicy");
      }
    }
    spec.remove("hostUsers");
  }
}
