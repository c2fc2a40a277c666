package io.dekube.kubelet.eviction;

import io.dekube.core.quota.Quantities;
import io.dekube.kubelet.pod.Admission;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which pod goes first and what it is told, as kube's eviction helpers: {@code rankMemoryPressure} (pods whose
 * usage exceeds their requests first, then by priority, lowest first, then by usage above requests, largest
 * first), {@code rankDiskPressureFunc} (the same with ephemeral storage: writable layers and logs), {@code
 * rankPIDPressure} (by priority; dekube counts no processes per pod, nor inodes: an inodes signal ranks by priority too), and {@code evictionMessage}. Pure.
 */
final class EvictionRanking {

  private EvictionRanking() {
  }

  /** {@code pods} in the order kube would evict them for {@code signal}; {@code usage} null = no stats for the pod. */
  static <T> List<T> rank(Signal signal, List<T> pods, Function<T, Pod> pod, Function<T, PodUsage> usage) {
    List<T> out = new ArrayList<>(pods);
    Comparator<T> byPriority = Comparator.comparingInt(p -> priority(pod.apply(p)));
    Comparator<T> order = switch (signal.resource()) {
      case "memory" -> exceeds(pod, usage, "memory").thenComparing(byPriority)
          .thenComparing(above(pod, usage, "memory"));
      case "ephemeral-storage" -> exceeds(pod, usage, "ephemeral-storage").thenComparing(byPriority)
          .thenComparing(above(pod, usage, "ephemeral-storage"));
      default -> byPriority;
    };
    out.sort(order);
    return out;
  }

  /** kube's {@code exceedMemoryRequests}/{@code exceedDiskRequests}: no stats, then usage above requests, first. */
  private static <T> Comparator<T> exceeds(Function<T, Pod> pod, Function<T, PodUsage> usage, String res) {
    return Comparator.comparingInt(p -> {
      PodUsage u = usage.apply(p);
      if (u == null) {
        return 0;
      }
      return BigDecimal.valueOf(used(u, res)).compareTo(Admission.request(pod.apply(p), res)) > 0 ? 1 : 2;
    });
  }

  /** kube's {@code memory}/{@code disk}: the larger consumption above requests first. */
  private static <T> Comparator<T> above(Function<T, Pod> pod, Function<T, PodUsage> usage, String res) {
    return Comparator.comparing((T p) -> {
      PodUsage u = usage.apply(p);
      return u == null ? BigDecimal.ZERO : BigDecimal.valueOf(used(u, res)).subtract(Admission.request(pod.apply(p), res));
    }).reversed();
  }

  private static long used(PodUsage u, String res) {
    return res.equals("memory") ? u.memory() : u.disk();
  }

  static int priority(Pod pod) {
    Integer p = pod.getSpec() == null ? null : pod.getSpec().getPriority();
    return p == null ? 0 : p;
  }

  /**
   * kube's {@code evictionMessage}: {@code The node was low on resource: memory. Threshold quantity: 100Mi, available:
   * 51200Ki. Container stress was using 1234Mi, request is 0, has larger consumption of memory. } (with kube's
   * trailing blank), the threshold being the first of {@code thresholds} that reclaims the resource.
   */
  static String message(String resource, Pod pod, PodUsage usage, List<Threshold> thresholds,
                        Map<Signal, Observation> observations) {
    StringBuilder m = new StringBuilder("The node was low on resource: ").append(resource).append(". ");
    for (Threshold t : thresholds) {
      Observation o = observations.get(t.signal());
      if (t.signal().resource().equals(resource) && o != null) {
        m.append("Threshold quantity: ").append(t.value().of(o.capacity())).append(", available: ")
            .append(Quantities.format(o.available(), t.signal().bytes())).append(". ");
        break;
      }
    }
    if (usage == null || !(resource.equals("memory") || resource.equals("ephemeral-storage"))) {
      return m.toString();
    }
    List<Container> containers = new ArrayList<>(list(pod.getSpec().getContainers()));
    containers.addAll(list(pod.getSpec().getInitContainers()));
    for (PodUsage.Container stats : usage.containers()) {
      for (Container c : containers) {
        if (!c.getName().equals(stats.name())) {
          continue;
        }
        Quantity q = c.getResources() == null || c.getResources().getRequests() == null ? null
            : c.getResources().getRequests().get(resource);
        Quantities.Amount request = q == null ? Quantities.Amount.ZERO : Quantities.parse(q.toString());
        long used = resource.equals("memory") ? stats.workingSetBytes() : stats.diskBytes();
        if (BigDecimal.valueOf(used).compareTo(request.value()) > 0) {
          m.append("Container ").append(c.getName()).append(" was using ")
              .append(Quantities.format(BigDecimal.valueOf(used), true)).append(", request is ").append(request)
              .append(", has larger consumption of ").append(resource).append(". ");
        }
        break;
      }
    }
    return m.toString();
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
