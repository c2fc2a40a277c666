package io.dekube.kubelet.logs;

import io.dekube.kubelet.runtime.RunningContainer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet's container log manager (kube's {@code pkg/kubelet/logs}): every {@code containerLogMonitorInterval}
 * the logs of the node's running containers are looked at, and one that reached {@code containerLogMaxSize} is
 * rotated ({@link LogRotation}) and its container's runtime reopens the path ({@link RunningContainer#reopenLog}).
 * Non-running containers are left alone, as kube's. The file work runs on a worker thread, one pass at a time (a
 * decision: {@code containerLogMaxWorkers} is validated and shown by {@code /configz}, one node's containers are
 * handled one after the other); the timer on the kubelet's context.
 */
public final class ContainerLogManager {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerLogManager.class);

  /** A running container's current log. */
  public record Target(Path log, RunningContainer container) {
  }

  private final Vertx vertx;
  private final ContainerLogPolicy policy;
  private final Supplier<List<Target>> running;
  private final Clock clock;
  private long timer = -1;
  private boolean busy;

  public ContainerLogManager(Vertx vertx, ContainerLogPolicy policy, Supplier<List<Target>> running, Clock clock) {
    this.vertx = vertx;
    this.policy = policy;
    this.running = running;
    this.clock = clock;
  }

  /** Starts the periodic pass on the caller's context (the kubelet's); nothing when rotation is off. */
  public void start() {
    if (!policy.rotates()) {
      return;
    }
    timer = vertx.setPeriodic(policy.interval().toMillis(), t -> pass()); // a timer fires on the context that set it
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One pass over the running containers' logs (skipped while the last one still runs). */
  void pass() {
    if (busy) {
      return;
    }
    List<Target> targets = running.get();
    if (targets.isEmpty()) {
      return;
    }
    busy = true;
    vertx.executeBlocking(() -> {
      for (Target t : targets) {
        try {
          LogRotation.rotateIfDue(t.log(), policy, clock.instant(), clock.getZone(),
              () -> t.container().reopenLog().join());
        } catch (Exception e) {
          LOG.warn("Failed to rotate log for container {} ({}): {}", t.container().containerId(), t.log(),
              e.getMessage());
        }
      }
      return null;
    }, false).onComplete(ar -> busy = false);
  }
}
