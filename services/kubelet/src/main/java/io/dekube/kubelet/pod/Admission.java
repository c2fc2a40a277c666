package io.dekube.kubelet.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;

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
   * The pod's effective request: the sum over containers, or the largest init container's, whichever is
   * more, plus its {@code spec.overhead} (what its RuntimeClass costs), as kube's resource helpers count it.
   */
  public static BigDecimal request(Pod pod, String res) {
    BigDecimal sum = BigDecimal.ZERO;
    for (Container c : nullSafe(pod.getSpec().getContainers())) {
      sum = sum.add(containerRequest(c, res));
    }
    for (Container c : nullSafe(pod.getSpec().getInitContainers())) {
      sum = sum.max(containerRequest(c, res));
    }
    Map<String, Quantity> overhead = pod.getSpec().getOverhead();
    if (overhead != null && overhead.get(res) != null) {
      sum = sum.add(Quantity.getAmountInBytes(overhead.get(res)));
    }
    return sum;
  }

  private static BigDecimal containerRequest(Container c, String res) {
    if (c.getResources() == null) {
      return BigDecimal.ZERO;
    }
    Map<String, Quantity> req = c.getResources().getRequests();
    Quantity q = req == null ? null : req.get(res);
    if (q == null && c.getResources().getLimits() != null) {
      q = c.getResources().getLimits().get(res);
    }
    return q == null ? BigDecimal.ZERO : Quantity.getAmountInBytes(q);
  }

  private static String show(String res, BigDecimal v) {
    return res.equals("cpu") ? v.movePointRight(3).toBigInteger().toString() : v.toBigInteger().toString();
  }

  private static <T> List<T> nullSafe(List<T> l) {
    return l == null ? List.of() : l;
  }
}
