package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.dekube.kubelet.runtime.RunningContainer;
import java.time.Duration;
import java.time.Instant;

/**
 * What the kubelet knows of one container of a pod between syncs: its current state, its last
 * termination, restarts, back-off and probe results. Confined to the kubelet's context.
 */
public final class ContainerRecord {

  /** A container's end, as the status reports it. */
  public record Terminated(int exitCode, String reason, String message, Instant startedAt, Instant finishedAt,
                           String containerId) {
  }

  final String name;
  final boolean init;
  /** A sidecar: an init container with {@code restartPolicy: Always}, running beside the containers. */
  boolean sidecar;
  /** An ephemeral container ({@code kubectl debug}): never restarted, counted for neither phase nor readiness. */
  boolean ephemeral;
  String image;
  RunningContainer running;
  boolean starting;
  Instant startedAt;
  String waitingReason = "ContainerCreating";
  String waitingMessage;
  Terminated terminated;
  Terminated last;
  int restartCount;
  Duration backoff;
  Instant restartAt;
  boolean ready;
  boolean started;
  String containerId;
  String imageId;
  java.nio.file.Path logFile;
  /** The reason the next exit is recorded with (a probe killed it), else null. */
  String killReason;
  /** Being killed (its preStop hook, then its stop): no second kill. */
  boolean killing;
  /** kube's message of the failed postStart hook of the current run, until its exit is recorded. */
  String postStartError;
  /** The postStart hook under way, else null: a termination interrupts it ({@link PodTermination}). */
  io.dekube.kubelet.lifecycle.HookRunner.Running postStart;
  /** Completes once the postStart hook under way returned and the run is recorded (running or stopped). */
  io.vertx.core.Promise<Void> postStartDone;
  /**
   * The run that ended waits for its restart while kube's reason cache holds nothing for it yet: the status shows the
   * end itself (state {@code terminated}: {@code kubectl get pods} says {@code OOMKilled} or {@code Error}) as kube's
   * kubelet does, until the sync after the one that found the restart held back by its back-off, which shows the
   * waiting {@code CrashLoopBackOff} instead ({@code convertToAPIContainerStatuses} with the {@code reasonCache}).
   */
  boolean endShown;
  /** When a sync first found the restart of the run that ended held back by its back-off; null before. */
  Instant heldBackAt;
  /** The status's {@code volumeMounts} (kube's RecursiveReadOnlyMounts, beta and on in 1.32); null: none. */
  ArrayNode volumeMounts;
  /** Bumped at each start, so results of an old run's probes are dropped. */
  int generation;

  ContainerRecord(String name, boolean init, String image) {
    this.name = name;
    this.init = init;
    this.image = image;
  }

  /**
   * The record of one of the pod's containers (not an init or ephemeral one): until it is created it waits as kube's
   * kubelet shows it, {@code PodInitializing} in a pod with init containers (while they run and after), else
   * {@code ContainerCreating}.
   */
  static ContainerRecord container(String name, String image, boolean podHasInitContainers) {
    ContainerRecord r = new ContainerRecord(name, false, image);
    if (podHasInitContainers) {
      r.waitingReason = "PodInitializing";
    }
    return r;
  }

  public String name() {
    return name;
  }

  /**
   * Why {@code kubectl logs} has nothing to show of a container that never ran, in kube's kubelet's words ({@code
   * container "app" in pod "p" is waiting to start: PodInitializing}); {@code pod} is the pod's name.
   */
  public String waitingToStart(String pod) {
    String why = switch (waitingReason) {
      case "ErrImagePull" -> "image can't be pulled";
      case "ImagePullBackOff" -> "trying and failing to pull image";
      default -> waitingReason;
    };
    return "container \"" + name + "\" in pod \"" + pod + "\" is waiting to start: " + why;
  }

  /** The current run's log file (null before the first start). */
  public java.nio.file.Path logFile() {
    return logFile;
  }

  /**
   * The log of the run the status shows as {@code lastState} ({@code kubectl logs --previous}), as kube's kubelet
   * picks it: the run that just ended while the container waits for its restart (CrashLoopBackOff), else the run
   * before the current one; null when there is none (the first run, or a container that is not restarted). A run
   * that wrote nothing has no file: its log is empty.
   */
  public java.nio.file.Path previousLogFile() {
    if (logFile == null) {
      return null;
    }
    if (running == null && terminated != null && restartAt != null && !endShown) {
      return logFile;
    }
    if (last == null) {
      return null;
    }
    String name = logFile.getFileName().toString();
    int run = Integer.parseInt(name.substring(0, name.indexOf('.')));
    return run > 0 ? logFile.resolveSibling((run - 1) + ".log") : null;
  }

  /** When the current run started (null when not started). */
  public Instant startedAt() {
    return startedAt;
  }

  /** The running container, or null. */
  public RunningContainer running() {
    return running;
  }

  public int restartCount() {
    return restartCount;
  }

  public boolean isRunning() {
    return running != null;
  }

  /** Running, and not being killed for a failed postStart hook (kube never reports that run as running). */
  boolean runningStarted() {
    return running != null && postStartError == null;
  }

  /**
   * Started as kube counts it for the next init container: running, its postStart hook returned and its
   * startup probe, if any, succeeded.
   */
  boolean startedUp() {
    return running != null && started && postStartError == null;
  }

  /** Whether it ever ran (kube: the container has a status other than waiting). */
  boolean everRan() {
    return running != null || startedAt != null || terminated != null;
  }

  /** Ended and not restarting again. */
  boolean succeeded() {
    return running == null && terminated != null && terminated.exitCode() == 0;
  }
}
