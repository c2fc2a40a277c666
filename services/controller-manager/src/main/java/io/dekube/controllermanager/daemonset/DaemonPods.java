package io.dekube.controllermanager.daemonset;

import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.history.Revisions;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The pods of a DaemonSet, as kube ≥ 1.12 makes them: the template with the daemon tolerations
 * (not-ready and unreachable NoExecute; disk-, memory-, pid-pressure and unschedulable NoSchedule;
 * network-unavailable for hostNetwork pods), a required node affinity on {@code metadata.name} that
 * the default scheduler binds to the one node, and the {@code controller-revision-hash} label. Pure.
 */
final class DaemonPods {

  /** kube's deprecated label with the DaemonSet's generation. */
  static final String TEMPLATE_GENERATION = "pod-template-generation";

  private DaemonPods() {
  }

  /** The template's pod spec with the daemon tolerations added (what node eligibility is decided on). */
  static PodSpec specWithTolerations(DaemonSet ds) {
    PodSpec spec = Lister.copy(ds.getSpec().getTemplate().getSpec());
    List<Toleration> tolerations = spec.getTolerations() == null ? new ArrayList<>() : new ArrayList<>(spec.getTolerations());
    add(tolerations, "node.kubernetes.io/not-ready", "NoExecute");
    add(tolerations, "node.kubernetes.io/unreachable", "NoExecute");
    add(tolerations, "node.kubernetes.io/disk-pressure", "NoSchedule");
    add(tolerations, "node.kubernetes.io/memory-pressure", "NoSchedule");
    add(tolerations, "node.kubernetes.io/pid-pressure", "NoSchedule");
    add(tolerations, "node.kubernetes.io/unschedulable", "NoSchedule");
    if (Boolean.TRUE.equals(spec.getHostNetwork())) {
      add(tolerations, "node.kubernetes.io/network-unavailable", "NoSchedule");
    }
    spec.setTolerations(tolerations);
    return spec;
  }

  private static void add(List<Toleration> list, String key, String effect) {
    for (Toleration t : list) {
      if (key.equals(t.getKey()) && effect.equals(t.getEffect()) && "Exists".equals(t.getOperator())
          && t.getTolerationSeconds() == null) {
        return;
      }
    }
    list.removeIf(t -> key.equals(t.getKey()) && effect.equals(t.getEffect()));
    Toleration t = new Toleration();
    t.setKey(key);
    t.setOperator("Exists");
    t.setEffect(effect);
    list.add(t);
  }

  /** The pod for one node (generateName {@code <ds>-}). */
  static Pod forNode(DaemonSet ds, PodSpec specWithTolerations, String node, String hash) {
    Pod p = Pods.fromTemplate(ds.getSpec().getTemplate(), ds, ds.getMetadata().getName() + "-");
    p.setSpec(Lister.copy(specWithTolerations));
    p.getMetadata().getLabels().put(Revisions.HASH_LABEL, hash);
    if (ds.getMetadata().getGeneration() != null) {
      p.getMetadata().getLabels().put(TEMPLATE_GENERATION, Long.toString(ds.getMetadata().getGeneration()));
    }
    pinToNode(p.getSpec(), node);
    return p;
  }

  /** kube's {@code ReplaceDaemonSetPodNodeNameNodeAffinity}: one required term, {@code metadata.name In [node]}. */
  static void pinToNode(PodSpec spec, String node) {
    Affinity affinity = spec.getAffinity() == null ? new Affinity() : spec.getAffinity();
    NodeAffinity na = affinity.getNodeAffinity() == null ? new NodeAffinity() : affinity.getNodeAffinity();
    NodeSelectorRequirement req = new NodeSelectorRequirement("metadata.name", "In", List.of(node));
    NodeSelectorTerm term = new NodeSelectorTerm();
    term.setMatchFields(new ArrayList<>(List.of(req)));
    NodeSelector required = new NodeSelector();
    required.setNodeSelectorTerms(new ArrayList<>(List.of(term)));
    na.setRequiredDuringSchedulingIgnoredDuringExecution(required);
    affinity.setNodeAffinity(na);
    spec.setAffinity(affinity);
  }

  /** The node a daemon pod is for: its nodeName, else the node its required affinity names; null when neither. */
  static String nodeOf(Pod p) {
    if (p.getSpec() == null) {
      return null;
    }
    if (p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty()) {
      return p.getSpec().getNodeName();
    }
    var a = p.getSpec().getAffinity();
    if (a == null || a.getNodeAffinity() == null || a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      return null;
    }
    for (NodeSelectorTerm t : a.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()) {
      for (NodeSelectorRequirement r : t.getMatchFields() == null ? List.<NodeSelectorRequirement>of() : t.getMatchFields()) {
        if ("metadata.name".equals(r.getKey()) && "In".equals(r.getOperator()) && r.getValues() != null
            && r.getValues().size() == 1) {
          return r.getValues().get(0);
        }
      }
    }
    return null;
  }

  /** Whether the pod runs the current template. */
  static boolean updated(Pod p, String hash) {
    return hash.equals(Pods.labels(p).get(Revisions.HASH_LABEL));
  }
}
