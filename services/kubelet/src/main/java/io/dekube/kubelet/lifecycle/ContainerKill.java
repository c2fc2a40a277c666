package io.dekube.kubelet.lifecycle;

import io.dekube.kubelet.runtime.RunningContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Stops a container as kube's {@code killContainer} does: its {@code preStop} hook first (when it has one
 * and the grace period is above 0), for at most the grace period; then the stop (SIGTERM, SIGKILL when
 * the rest runs out) with the grace period less the hook's whole seconds, but never less than
 * {@link #MINIMUM_GRACE_SECONDS}, kube's "minimal shutdown window". A hook's failure is reported and does
 * not hold the stop back. Confined to the caller's context.
 */
public final class ContainerKill {

  /** kube's {@code minimumGracePeriodInSeconds}. */
  public static final long MINIMUM_GRACE_SECONDS = 2;

  private final Vertx vertx;
  private final HookRunner hooks;

  public ContainerKill(Vertx vertx, HookRunner hooks) {
    this.vertx = vertx;
    this.hooks = hooks;
  }

  /**
   * Kills {@code running} ({@code spec}'s container of the pod kube names {@code pod}) within {@code grace}
   * seconds; {@code preStopFailed} gets kube's message when the preStop hook fails. Completes with the exit
   * code once the container ended.
   */
  public Future<Integer> kill(RunningContainer running, Container spec, long grace, String pod, String podIp,
                              Consumer<String> preStopFailed) {
    return kill(running, spec, grace, pod, podIp, preStopFailed, Future.succeededFuture());
  }

  /**
   * As above, in a termination order (kube's {@code terminationOrdering}, for sidecars): the preStop hook
   * runs at once, then the stop waits for {@code turn} — the ends of the containers this one must outlive —
   * for at most what is left of the grace period, and gets what is left after that (at least the minimal window).
   */
  public Future<Integer> kill(RunningContainer running, Container spec, long grace, String pod, String podIp,
                              Consumer<String> preStopFailed, Future<?> turn) {
    LifecycleHandler preStop = spec.getLifecycle() == null ? null : spec.getLifecycle().getPreStop();
    Future<Long> spent = preStop == null || grace <= 0 ? Future.succeededFuture(0L)
        : preStop(preStop, running, spec, grace, pod, podIp, preStopFailed);
    return spent.compose(s -> waitForTurn(turn, grace - s).map(w -> s + w))
        .compose(s -> running.stop(Duration.ofSeconds(stopGrace(grace, s))));
  }

  /** Waits for {@code turn}, at most {@code seconds}; completes with the whole seconds it waited. */
  private Future<Long> waitForTurn(Future<?> turn, long seconds) {
    if (turn.isComplete() || seconds <= 0) {
      return Future.succeededFuture(0L);
    }
    long t0 = System.nanoTime();
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(seconds * 1000, t -> done.tryComplete());
    turn.onComplete(ar -> {
      vertx.cancelTimer(timer);
      done.tryComplete();
    });
    return done.future().map(v -> (System.nanoTime() - t0) / 1_000_000_000L);
  }

  /** The stop's grace: what the hook left of the grace period, at least the minimal window. */
  static long stopGrace(long grace, long hookSeconds) {
    return Math.max(MINIMUM_GRACE_SECONDS, grace - hookSeconds);
  }

  /** Runs the hook for at most {@code grace} seconds; completes with the whole seconds it took. */
  private Future<Long> preStop(LifecycleHandler handler, RunningContainer running, Container spec, long grace,
                               String pod, String podIp, Consumer<String> failed) {
    long t0 = System.nanoTime();
    HookRunner.Running hook = hooks.run(handler, spec, running, pod, podIp);
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(grace * 1000, t -> done.tryComplete());
    hook.result().onComplete(ar -> {
      String message = ar.succeeded() ? ar.result() : String.valueOf(ar.cause().getMessage());
      if (message != null) {
        failed.accept(message);
      }
      vertx.cancelTimer(timer);
      done.tryComplete();
    });
    // a hook that outlived its grace period ends with its container (kube's exec dies with it)
    done.future().onComplete(v -> running.exited().onComplete(ar -> hook.cancel()));
    return done.future().map(v -> (System.nanoTime() - t0) / 1_000_000_000L);
  }
}
