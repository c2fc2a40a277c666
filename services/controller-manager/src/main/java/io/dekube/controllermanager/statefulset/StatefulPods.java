package io.dekube.controllermanager.statefulset;

import io.dekube.controllermanager.common.Owners;
import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.history.Revisions;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pods of a StatefulSet, as kube's {@code newStatefulSetPod}: named {@code <set>-<ordinal>},
 * hostname the pod's name and subdomain the governing service, the
 * {@code statefulset.kubernetes.io/pod-name}, {@code apps.kubernetes.io/pod-index} and
 * {@code controller-revision-hash} labels; each volumeClaimTemplate {@code <t>} becomes the pod's volume
 * {@code <t>} on the claim {@code <t>-<set>-<ordinal>} ({@link #claims}). Pure.
 */
final class StatefulPods {

  /** The label naming a StatefulSet pod. */
  static final String POD_NAME = "statefulset.kubernetes.io/pod-name";
  /** The label holding a StatefulSet pod's ordinal (kube ≥ 1.28). */
  static final String POD_INDEX = "apps.kubernetes.io/pod-index";

  private static final Pattern ORDINAL = Pattern.compile("(.*)-([0-9]+)$");

  private StatefulPods() {
  }

  /** The ordinal of a pod of the set, or -1 when its name is not {@code <set>-<n>}. */
  static int ordinal(StatefulSet set, Pod p) {
    Matcher m = ORDINAL.matcher(p.getMetadata().getName());
    if (!m.matches() || !m.group(1).equals(set.getMetadata().getName())) {
      return -1;
    }
    try {
      return Integer.parseInt(m.group(2));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The name of the revision a pod runs (its {@code controller-revision-hash}), or "". */
  static String revision(Pod p) {
    String r = Pods.labels(p).get(Revisions.HASH_LABEL);
    return r == null ? "" : r;
  }

  /** The pod of an ordinal, from a template of a revision. */
  static Pod build(StatefulSet set, PodTemplateSpec template, int ordinal, String revisionName) {
    String name = set.getMetadata().getName() + "-" + ordinal;
    Pod p = Pods.fromTemplate(template, set, null);
    p.getMetadata().setGenerateName(null);
    p.getMetadata().setName(name);
    p.getMetadata().getLabels().put(POD_NAME, name);
    p.getMetadata().getLabels().put(POD_INDEX, Integer.toString(ordinal));
    p.getMetadata().getLabels().put(Revisions.HASH_LABEL, revisionName);
    p.getSpec().setHostname(name);
    if (set.getSpec().getServiceName() != null && !set.getSpec().getServiceName().isEmpty()) {
      p.getSpec().setSubdomain(set.getSpec().getServiceName());
    }
    List<PersistentVolumeClaim> claims = set.getSpec().getVolumeClaimTemplates();
    if (claims != null && !claims.isEmpty()) {
      List<Volume> volumes = p.getSpec().getVolumes() == null ? new ArrayList<>() : new ArrayList<>(p.getSpec().getVolumes());
      for (PersistentVolumeClaim c : claims) {
        String claim = c.getMetadata() == null ? null : c.getMetadata().getName();
        if (claim == null) {
          continue;
        }
        volumes.removeIf(v -> claim.equals(v.getName()));
        Volume v = new Volume();
        v.setName(claim);
        v.setPersistentVolumeClaim(new PersistentVolumeClaimVolumeSource(claimName(set, claim, ordinal), false));
        volumes.add(v);
      }
      p.getSpec().setVolumes(volumes);
    }
    return p;
  }

  /** kube's claim name of a template for an ordinal: {@code <template>-<set>-<ordinal>}. */
  static String claimName(StatefulSet set, String template, int ordinal) {
    return template + "-" + set.getMetadata().getName() + "-" + ordinal;
  }

  /**
   * The claims of an ordinal, as kube's {@code getPersistentVolumeClaims}: each template named
   * {@code <template>-<set>-<ordinal>} in the set's namespace, with the selector's matchLabels added
   * to its labels; owned by the set only when {@code persistentVolumeClaimRetentionPolicy.whenDeleted}
   * is Delete (the garbage collector then deletes them with it), else by nothing.
   */
  static List<PersistentVolumeClaim> claims(StatefulSet set, int ordinal) {
    List<PersistentVolumeClaim> out = new ArrayList<>();
    List<PersistentVolumeClaim> templates = set.getSpec().getVolumeClaimTemplates();
    if (templates == null) {
      return out;
    }
    var policy = set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    boolean ownedBySet = policy != null && "Delete".equals(policy.getWhenDeleted());
    for (PersistentVolumeClaim t : templates) {
      if (t.getMetadata() == null || t.getMetadata().getName() == null) {
        continue;
      }
      PersistentVolumeClaim c = io.dekube.controllermanager.common.Lister.copy(t);
      c.getMetadata().setName(claimName(set, t.getMetadata().getName(), ordinal));
      c.getMetadata().setNamespace(set.getMetadata().getNamespace());
      java.util.Map<String, String> labels = c.getMetadata().getLabels() == null ? new java.util.HashMap<>()
          : new java.util.HashMap<>(c.getMetadata().getLabels());
      if (set.getSpec().getSelector() != null && set.getSpec().getSelector().getMatchLabels() != null) {
        labels.putAll(set.getSpec().getSelector().getMatchLabels());
      }
      c.getMetadata().setLabels(labels);
      c.getMetadata().setOwnerReferences(ownedBySet ? List.of(io.dekube.controllermanager.common.Owners.controllerRef(set))
          : null);
      c.setStatus(null);
      out.add(c);
    }
    return out;
  }

  /**
   * The claims {@code persistentVolumeClaimRetentionPolicy.whenScaled: Delete} lets go: those of
   * ordinals outside {@code [start, start+replicas)} whose pod is gone (kube makes the pod their owner, so
   * the garbage collector deletes them after it; the effect is the same). Empty under Retain.
   */
  static List<PersistentVolumeClaim> condemnedClaims(StatefulSet set, List<PersistentVolumeClaim> claims,
                                                     java.util.Set<String> livePods) {
    var policy = set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    List<PersistentVolumeClaim> templates = set.getSpec().getVolumeClaimTemplates();
    if (policy == null || !"Delete".equals(policy.getWhenScaled()) || templates == null || Owners.deleting(set)) {
      return List.of();
    }
    int start = set.getSpec().getOrdinals() == null || set.getSpec().getOrdinals().getStart() == null ? 0
        : set.getSpec().getOrdinals().getStart();
    int replicas = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
    List<PersistentVolumeClaim> out = new ArrayList<>();
    for (PersistentVolumeClaim c : claims) {
      for (PersistentVolumeClaim t : templates) {
        String prefix = t.getMetadata().getName() + "-" + set.getMetadata().getName() + "-";
        String name = c.getMetadata().getName();
        if (!name.startsWith(prefix) || c.getMetadata().getDeletionTimestamp() != null) {
          continue;
        }
        String rest = name.substring(prefix.length());
        if (rest.matches("[0-9]+")) {
          int ordinal = Integer.parseInt(rest);
          if ((ordinal < start || ordinal >= start + replicas)
              && !livePods.contains(set.getMetadata().getName() + "-" + ordinal)) {
            out.add(c);
          }
        }
      }
    }
    return out;
  }

  /** Running and Ready (kube's {@code isRunningAndReady}), and not being deleted. */
  static boolean runningAndReady(Pod p) {
    return "Running".equals(p.getStatus() == null ? null : p.getStatus().getPhase()) && Pods.ready(p);
  }

  static boolean terminating(Pod p) {
    return p.getMetadata().getDeletionTimestamp() != null;
  }

  /** Failed or Succeeded: a pod kube replaces. */
  static boolean finished(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return "Failed".equals(phase) || "Succeeded".equals(phase);
  }
}
