package io.dekube.kubelet.pod;

import io.dekube.kubelet.probe.Prober;
import io.dekube.kubelet.runtime.TerminationMessage;
import io.fabric8.kubernetes.api.model.Container;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * What happens when a container of a pod ends: its termination is recorded (with the termination
 * message, read off the event loop before a restart empties its folder) and its restart is decided —
 * by the pod's restart policy, with kube's back-off ({@code CrashLoopBackOff}); a sidecar is restarted
 * whatever the policy, until the pod's work is over — then the pod is synced again. Confined to the kubelet's context.
 */
final class ContainerRestarter {

  private final PodWorker w;
  private final PodManager m;
  private final Prober prober;

  ContainerRestarter(PodWorker w, PodManager m, Prober prober) {
    this.w = w;
    this.m = m;
    this.prober = prober;
  }

  /** The run {@code gen} of a container ended with {@code code}; {@code rootDir} is its file system. */
  void ended(ContainerRecord rec, int gen, int code, Path rootDir) {
    if (gen != rec.generation || rec.running == null) {
      return;
    }
    prober.stop(rec.name);
    // the runtime's time of the end where it says (the engine's FinishedAt, as kube's CRI status), else now
    Instant now = rec.running.finishedAt() != null ? rec.running.finishedAt() : Instant.now();
    if (m.runtime.name().equals("simulated")) {
      exited(rec, gen, code, now, null);
      return;
    }
    Container spec = w.container(rec);
    Path log = rec.logFile;
    m.vertx.executeBlocking(() -> TerminationMessage.read(rootDir, spec, code, log), false)
        .onComplete(ar -> m.context.runOnContext(v -> exited(rec, gen, code, now, ar.succeeded() ? ar.result() : null)));
  }

  /** A container's end: record it, decide on its restart. */
  private void exited(ContainerRecord rec, int gen, int code, Instant now, String message) {
    if (gen != rec.generation || rec.running == null) {
      return;
    }
    String ended = rec.running.exitReason();
    String reason = rec.killReason != null ? rec.killReason : ended != null ? ended : code == 0 ? "Completed" : "Error";
    rec.killReason = null;
    rec.killing = false;
    String postStartError = rec.postStartError;
    rec.postStartError = null;
    rec.terminated = new ContainerRecord.Terminated(code, reason, message, rec.startedAt, now, rec.containerId);
    rec.running = null;
    rec.ready = false;
    rec.started = false;
    String policy = w.restartPolicy();
    boolean restart = !w.ending() && !rec.ephemeral && (rec.sidecar ? !w.finished()
        : rec.init ? code != 0 && !policy.equals("Never")
        : policy.equals("Always") || (policy.equals("OnFailure") && code != 0));
    if (restart) {
      backOff(rec, now, postStartError);
      // kube's sync on the container's death publishes its end before it starts it again (or finds it held back)
      w.publish();
    } else {
      rec.restartAt = null;
    }
    w.requestSync();
  }

  /** The restart's back-off, and the waiting reason the status shows until then. */
  private void backOff(ContainerRecord rec, Instant now, String postStartError) {
    rec.backoff = m.backoff.delay(rec.backoff, Duration.between(rec.startedAt, now));
    rec.restartAt = now.plus(rec.backoff);
    rec.waitingReason = rec.backoff.isZero() ? "ContainerCreating" : "CrashLoopBackOff";
    rec.waitingMessage = rec.backoff.isZero() ? null : "back-off " + rec.backoff.toSeconds() + "s restarting "
        + "failed container=" + rec.name + " pod=" + w.kubeName();
    rec.endShown = true;
    rec.heldBackAt = null;
    if (postStartError != null && rec.backoff.isZero()) {
      // kube's sync result of the failed start, until a back-off says CrashLoopBackOff instead
      rec.waitingReason = "PostStartHookError";
      rec.waitingMessage = postStartError;
      rec.endShown = false;
    }
    if (!rec.backoff.isZero()) {
      w.event(rec, PodWorker.WARNING, "BackOff", "Back-off restarting failed container " + rec.name + " in pod "
          + w.kubeName());
    }
  }
}
