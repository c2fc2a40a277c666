package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/** A started container: its end, its stop, and commands run inside it ({@code kubectl exec}). */
public interface RunningContainer {

  /** The runtime's id of this container ({@code jvm://...}). */
  String containerId();

  /** The image id reported in the status. */
  String imageId();

  /** Completes with the exit code when the container ends, for whatever reason. */
  Future<Integer> exited();

  /** Stops the container: politely, then by force after {@code grace}. Completes when it ended. */
  Future<Integer> stop(Duration grace);

  /** Runs a command inside the container, streaming its output; completes with its exit code. */
  ExecSession exec(List<String> command, ExecSession.Output output);

  /** Runs a command inside the container; {@code tty}: on a terminal (output as a terminal shows it). */
  default ExecSession exec(List<String> command, ExecSession.Output output, boolean tty) {
    return exec(command, output);
  }

  /**
   * Makes the runtime write the container's log to its path again, after the kubelet renamed the file (CRI's {@code
   * ReopenContainerLog}): lines written before completes go to the renamed file, later ones to a new file at the path.
   */
  default java.util.concurrent.CompletableFuture<Void> reopenLog() {
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  /**
   * Attaches to the container's own stdin and output ({@code kubectl attach}, {@code kubectl run -i}): its
   * output from now on goes to {@code output}, {@link ExecSession#stdin} reaches its program, the session's
   * exit code is the container's, {@link ExecSession#kill} detaches. Null when the runtime offers only the
   * container's log to follow.
   */
  default ExecSession attach(ExecSession.Output output) {
    return null;
  }

  /** Whether {@link #attach} offers the container's stdio (else it returns null). */
  default boolean attachable() {
    return false;
  }

  /** Why the container ended, when its runtime knows better than its exit code ({@code OOMKilled}); else null. */
  default String exitReason() {
    return null;
  }

  /**
   * When the runtime says the run ended (kube's CRI {@code finishedAt}), once {@link #exited()} completed; null when
   * it does not say: the kubelet takes the time it learnt of the end.
   */
  default java.time.Instant finishedAt() {
    return null;
  }

  /**
   * What the container used so far, as far as its runtime can measure it (0 where it cannot). May
   * read files (/proc): call off the event loop. Thread-safe.
   */
  default ResourceUsage usage() {
    return ResourceUsage.NONE;
  }
}
