package io.dekube.kubelet.pod;

import io.dekube.core.model.Typed;
import io.dekube.core.quota.PodResources;
import io.dekube.core.quota.Quantities;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;

/**
 * The kubelet's admission of a pod: do its requests fit the node's allocatable beside the pods
 * already admitted? Refusals carry the real kubelet's reasons ({@code OutOfcpu}, {@code OutOfmemory},
 * {@code OutOfpods}) and messages. Pure.
 */
public final class Admission {

  /** A refused pod: the status reason and message. */
  public record Rejection(String reason, String message) {
  }

  private Admission() {
  }

  /**
   * kube's sysctl admission ({@code SysctlForbidden}), which comes before the resource checks: every sysctl of the
   * pod must be safe or allowed on this node, and not one of a namespace the pod shares with the node. Null when
   * it passes.
   */
  public static Rejection sysctls(Pod pod, io.dekube.core.net.Sysctls allowed) {
    var sc = pod.getSpec().getSecurityContext();
    if (sc == null || sc.getSysctls() == null) {
      return null;
    }
    for (var s : sc.getSysctls()) {
      String why = allowed.refusal(s.getName() == null ? "" : s.getName(),
          Boolean.TRUE.equals(pod.getSpec().getHostNetwork()), Boolean.TRUE.equals(pod.getSpec().getHostIPC()));
      if (why != null) {
        return new Rejection("SysctlForbidden", "Pod was rejected: forbidden sysctl: " + why);
      }
    }
    return null;
  }

  /** Null when {@code pod} fits next to {@code admitted}; the rejection otherwise. */
  public static Rejection check(Pod pod, Collection<Pod> admitted, String cpu, String memory, int maxPods) {
    if (admitted.size() + 1 > maxPods) {
      return new Rejection("OutOfpods", "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: "
          + admitted.size() + ", capacity: " + maxPods);
    }
    for (String res : List.of("cpu", "memory")) {
      BigDecimal capacity = Quantity.getAmountInBytes(new Quantity(res.equals("cpu") ? cpu : memory));
      BigDecimal used = BigDecimal.ZERO;
      for (Pod p : admitted) {
        used = used.add(request(p, res));
      }
      BigDecimal want = request(pod, res);
      if (want.signum() > 0 && used.add(want).compareTo(capacity) > 0) {
        return new Rejection("OutOf" + res, "Pod was rejected: Node didn't have enough resource: " + res
            + ", requested: " + show(res, want) + ", used: " + show(res, used) + ", capacity: " + show(res, capacity));
      }
    }
    return null;
  }

  /**
   * The pod's effective request of {@code res} in its base unit (cores, bytes), as kube's {@code PodRequests}
   * counts it — the one helper the store's quota and LimitRanger use too ({@link PodResources}): its
   * containers, plus its sidecars (init containers with {@code restartPolicy: Always}), at least what each
   * init container needs beside the sidecars started before it, plus {@code spec.overhead}.
   */
  public static BigDecimal request(Pod pod, String res) {
    Quantities.Amount a = PodResources.of(Typed.tree(pod), "requests", true).get(res);
    return a == null ? BigDecimal.ZERO : a.value();
  }

  private static String show(String res, BigDecimal v) {
    return res.equals("cpu") ? v.movePointRight(3).toBigInteger().toString() : v.toBigInteger().toString();
  }

}
