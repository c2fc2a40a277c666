package io.dekube.controllermanager.tainteviction;

import io.dekube.controllermanager.common.Times;
import io.dekube.core.model.Tolerations;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * When a pod must leave a node with NoExecute taints, as kube's taint eviction decides it, as a pure
 * function: at once when a taint is not tolerated; never when every matching toleration is without
 * {@code tolerationSeconds}; else the shortest {@code tolerationSeconds} after the taints came (the
 * earliest {@code timeAdded}, or the pod's creation when it came later). Stateless.
 */
public final class NoExecute {

  private NoExecute() {
  }

  /**
   * The instant the pod is to be evicted, or null for never (no NoExecute taint, or tolerated forever).
   *
   * @param unknownSince used for a taint without {@code timeAdded}
   */
  public static Instant evictionTime(Pod pod, List<Taint> taints, Instant unknownSince) {
    List<Taint> noExecute = taints == null ? List.of()
        : taints.stream().filter(t -> "NoExecute".equals(t.getEffect())).toList();
    if (noExecute.isEmpty()) {
      return null;
    }
    List<Toleration> used = new ArrayList<>();
    Instant since = null;
    for (Taint taint : noExecute) {
      Toleration match = Tolerations.of(pod).stream().filter(t -> Tolerations.tolerates(t, taint)).findFirst()
          .orElse(null);
      if (match == null) {
        return Instant.MIN;
      }
      used.add(match);
      Instant added = Times.parse(taint.getTimeAdded());
      added = added == null ? unknownSince : added;
      since = since == null || added.isBefore(since) ? added : since;
    }
    Long seconds = null;
    for (Toleration t : used) {
      if (t.getTolerationSeconds() != null) {
        long s = Math.max(0, t.getTolerationSeconds());
        seconds = seconds == null ? s : Math.min(seconds, s);
      }
    }
    if (seconds == null) {
      return null;
    }
    Instant created = Times.parse(pod.getMetadata().getCreationTimestamp());
    if (created != null && created.isAfter(since)) {
      since = created;
    }
    return since.plusSeconds(seconds);
  }
}
