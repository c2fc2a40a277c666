package io.dekube.kubelet.pod;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which a pod's running containers stop, as kube's kubelet orders it with sidecars
 * ({@code terminationOrdering}): the containers (and ephemeral ones) are killed at once; each sidecar is
 * killed too — its preStop hook runs at once — but its stop waits until the containers and every sidecar
 * declared after it have ended, so sidecars stop in the reverse order of their declaration, after what they
 * serve. Containers already being stopped are waited for, not killed again. Confined to the caller's context.
 */
final class TerminationOrder {

  /** Kills one container; its stop waits for {@code turn}. Completes when it ended. */
  interface Kill {
    Future<Integer> kill(ContainerRecord rec, Future<?> turn);
  }

  private TerminationOrder() {
  }

  /**
   * Stops the running ones of {@code containers} (not sidecars) and {@code sidecars} (in declared order);
   * completes when all ended.
   */
  static Future<Void> stop(List<ContainerRecord> containers, List<ContainerRecord> sidecars, Kill kill) {
    List<Future<?>> ends = new ArrayList<>();
    for (ContainerRecord c : containers) {
      if (c.running != null) {
        ends.add(end(c, Future.succeededFuture(), kill));
      }
    }
    for (int i = sidecars.size() - 1; i >= 0; i--) {
      ContainerRecord s = sidecars.get(i);
      if (s.running != null) {
        Future<?> turn = Future.join(new ArrayList<>(ends));
        ends.add(end(s, turn, kill));
      }
    }
    return Future.join(ends).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  private static Future<Integer> end(ContainerRecord c, Future<?> turn, Kill kill) {
    boolean ending = c.killing || c.running.exited().isComplete();
    return ending ? c.running.exited() : kill.kill(c, turn);
  }
}
