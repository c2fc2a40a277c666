package io.dekube.kubelet.pod;

import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The end of a pod on its node: its running containers are stopped within the grace period, sidecars
 * last ({@link TerminationOrder}), its terminal status (Succeeded or Failed, kube's {@code TerminatePod})
 * is published, then the pod is deleted for good (tried until it is gone, see {@link FinalDelete}), then
 * its folder is removed and the manager forgets it — unless the kubelet stops meanwhile. Confined to the
 * kubelet's context.
 */
final class PodTermination {

  private static final int RECORD_TRIES = 50;
  private static final long RECORD_POLL_MS = 20;

  private final PodWorker w;
  private final PodManager m;
  private FinalDelete finalDelete;

  PodTermination(PodWorker w, PodManager m) {
    this.w = w;
    this.m = m;
  }

  /** Whether the final delete has begun (the pod no longer counts on the node). */
  boolean deleting() {
    return finalDelete != null;
  }

  /** The pod's tombstone arrived: a final delete under way is done. */
  void gone() {
    if (finalDelete != null) {
      finalDelete.gone();
    }
  }

  /**
   * Stops the containers ({@code forced}: the pod is already gone from the store, deleted with grace 0 —
   * no preStop, kube's minimal window), then the final delete, then forgets the pod.
   */
  Future<Void> run(boolean forced) {
    return run(forced, false);
  }

  /**
   * As {@link #run(boolean)}; {@code sourceGone}: a static pod whose file went — its containers stop within its
   * grace period, and nothing is written (its mirror pod is the static pod manager's to delete).
   */
  Future<Void> run(boolean forced, boolean sourceGone) {
    long grace = forced ? 0 : w.grace();
    return stop(grace)
        .compose(v -> forced || sourceGone ? Future.succeededFuture(FinalDelete.Result.GONE) : endsRecorded(RECORD_TRIES)
            .compose(ok -> {
              w.publishTerminal();
              return finalDelete();
            }))
        .compose(this::forget);
  }

  /**
   * Stops every running container within {@code grace} seconds (kube's killPod: preStop hooks, sidecars last); a
   * container waiting out a back-off is not restarted, its last end being its final state. Completes once their
   * ends are recorded — for a pod made terminal by another writer, which stays.
   */
  Future<Void> stopContainers(long grace) {
    w.all().stream().filter(c -> c.running == null && !c.starting && c.terminated != null)
        .forEach(c -> c.restartAt = null);
    return stop(grace).compose(v -> endsRecorded(RECORD_TRIES));
  }

  private Future<Void> stop(long grace) {
    List<ContainerRecord> others = w.all().stream().filter(c -> !c.sidecar).toList();
    Future<Void> running = TerminationOrder.stop(others, w.sidecars(), (c, turn) -> w.killContainer(c, grace,
        "Stopping container " + c.name, turn));
    List<Future<?>> hooked = new ArrayList<>(List.of(running));
    afterPostStart(c -> c.killing ? c.running.exited() : w.killContainer(c, grace, "Stopping container " + c.name))
        .forEach(hooked::add);
    return Future.join(hooked).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /**
   * The containers whose postStart hook runs: the termination cancels it, as kube's pod worker cancels the sync that
   * runs it (exec and sleep hooks end at once and fail, an httpGet one runs on: {@code HookRunner.Running#interrupt});
   * once it returned, {@code stop} stops the container, now running. Completes with each one's end.
   */
  private List<Future<?>> afterPostStart(java.util.function.Function<ContainerRecord, Future<?>> stop) {
    List<Future<?>> ends = new ArrayList<>();
    for (ContainerRecord c : w.all()) {
      if (c.postStart != null && c.postStartDone != null) {
        c.postStart.interrupt();
        ends.add(c.postStartDone.future().compose(v -> c.running == null || c.running.exited().isComplete()
            ? Future.succeededFuture() : stop.apply(c).mapEmpty()));
      }
    }
    return ends;
  }

  /**
   * The pod's work is over (its containers ended for good, restart policy Never or OnFailure): its running
   * sidecars are stopped within its grace period, the last declared first, as kube's kubelet kills such a pod;
   * those waiting to restart stay ended.
   */
  void stopSidecars() {
    // one waiting out a back-off is not restarted: its last end is its final state
    w.sidecars().stream().filter(c -> c.running == null && !c.starting && c.terminated != null)
        .forEach(c -> c.restartAt = null);
    List<ContainerRecord> running = w.sidecars().stream().filter(c -> c.running != null && !c.killing).toList();
    if (running.isEmpty()) {
      return;
    }
    long grace = w.grace();
    TerminationOrder.stop(List.of(), w.sidecars(), (c, turn) -> w.killContainer(c, grace,
        "Stopping container " + c.name, turn));
  }

  /**
   * Once every stopped container's end is recorded (the runtime reports an exit before the kubelet has
   * read its termination message), so the terminal status carries the real exit codes; after
   * {@code tries} looks 20 ms apart it goes on with what it has.
   */
  private Future<Void> endsRecorded(int tries) {
    if (tries <= 0 || w.all().stream().allMatch(c -> c.running == null)) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    m.vertx.setTimer(RECORD_POLL_MS, t -> endsRecorded(tries - 1).onComplete(p));
    return p.future();
  }

  /**
   * After the final delete: the pod's folder goes and the manager forgets the pod (a pod the store
   * refused to delete gets a new worker, and a new try, when it changes) — not when the kubelet stops.
   */
  private Future<Void> forget(FinalDelete.Result result) {
    if (result == FinalDelete.Result.STOPPED) {
      return Future.succeededFuture();
    }
    return m.vertx.executeBlocking(() -> {
      deleteTree(w.podDir());
      return null;
    }, false).<Void>mapEmpty().onComplete(ar -> m.gone(w));
  }

  private Future<FinalDelete.Result> finalDelete() {
    String ns = w.namespace();
    String name = w.name();
    finalDelete = new FinalDelete(m.vertx, ns + "/" + name + " (uid " + w.uid() + ")",
        () -> m.store.delete(StatusManager.PODS, ns, name,
            WriteOptions.none().withUid(w.uid()).withGracePeriodSeconds(0L)),
        StoreRetry.FIRST, StoreRetry.MAX);
    return finalDelete.run();
  }

  /** The node is powered off: containers end at once, nothing is written. */
  Future<Void> powerOff() {
    if (finalDelete != null) {
      finalDelete.stop();
    }
    List<Future<?>> stops = new ArrayList<>();
    w.all().stream().filter(c -> c.running != null).forEach(c -> stops.add(c.running.stop(Duration.ZERO)));
    stops.addAll(afterPostStart(c -> c.running.stop(Duration.ZERO)));
    return Future.join(stops).mapEmpty();
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
