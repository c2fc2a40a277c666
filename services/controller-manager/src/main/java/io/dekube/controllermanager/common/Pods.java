package io.dekube.controllermanager.common;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Pod predicates kube's controllers share (active, ready, available) and the pod made from a template. Stateless. */
public final class Pods {

  private Pods() {
  }

  /** Not finished and not being deleted (kube's {@code IsPodActive}). */
  public static boolean active(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return !"Succeeded".equals(phase) && !"Failed".equals(phase) && p.getMetadata().getDeletionTimestamp() == null;
  }

  /** The pod's Ready condition, or null. */
  public static PodCondition readyCondition(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null) {
      return null;
    }
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        return c;
      }
    }
    return null;
  }

  /** Whether the Ready condition is True. */
  public static boolean ready(Pod p) {
    PodCondition c = readyCondition(p);
    return c != null && "True".equals(c.getStatus());
  }

  /** Ready for at least {@code minReadySeconds} at {@code now} (kube's {@code IsPodAvailable}). */
  public static boolean available(Pod p, int minReadySeconds, Instant now) {
    if (!ready(p)) {
      return false;
    }
    if (minReadySeconds <= 0) {
      return true;
    }
    Instant since = Times.parse(readyCondition(p).getLastTransitionTime());
    return since != null && !since.plusSeconds(minReadySeconds).isAfter(now);
  }

  /**
   * The pod a controller creates from its template (kube's {@code GetPodFromTemplate}): the
   * template's labels, annotations and spec, {@code generateName} = prefix, owned by the controller.
   */
  public static Pod fromTemplate(PodTemplateSpec template, HasMetadata owner, String generateName) {
    Pod p = new Pod();
    ObjectMeta src = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
    ObjectMeta m = new ObjectMeta();
    m.setGenerateName(generateName);
    m.setNamespace(owner.getMetadata().getNamespace());
    m.setLabels(src.getLabels() == null ? new HashMap<>() : new HashMap<>(src.getLabels()));
    if (src.getAnnotations() != null) {
      m.setAnnotations(new HashMap<>(src.getAnnotations()));
    }
    if (src.getFinalizers() != null) {
      m.setFinalizers(new ArrayList<>(src.getFinalizers()));
    }
    List<OwnerReference> refs = new ArrayList<>();
    refs.add(Owners.controllerRef(owner));
    m.setOwnerReferences(refs);
    p.setMetadata(m);
    p.setSpec(Lister.copy(template.getSpec()));
    return p;
  }

  /**
   * A copy of the pod with kube's {@code DisruptionTarget} condition (True, the given reason and
   * message), as the taint eviction and the pod GC set it before they delete a pod.
   */
  public static Pod withDisruptionTarget(Pod pod, String reason, String message, Instant now) {
    Pod copy = Lister.copy(pod);
    if (copy.getStatus() == null) {
      copy.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
    }
    List<PodCondition> conditions = copy.getStatus().getConditions() == null ? new ArrayList<>()
        : new ArrayList<>(copy.getStatus().getConditions());
    conditions.removeIf(c -> "DisruptionTarget".equals(c.getType()));
    conditions.add(new PodCondition(null, Times.format(now), message, null, reason, "True", "DisruptionTarget"));
    copy.getStatus().setConditions(conditions);
    return copy;
  }

  /** The labels of an object, never null. */
  public static Map<String, String> labels(HasMetadata o) {
    return o.getMetadata().getLabels() == null ? Map.of() : o.getMetadata().getLabels();
  }
}
