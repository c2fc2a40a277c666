package io.dekube.kubelet.pod;

import io.dekube.kubelet.lifecycle.HookRunner;
import io.dekube.kubelet.probe.Prober;
import io.dekube.kubelet.runtime.AdoptedContainer;
import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.EndedRun;
import io.dekube.kubelet.runtime.RunningContainer;
import io.dekube.kubelet.runtime.TerminationMessage;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a container of a pod starts, as kube's {@code startContainer}: its environment and mounts, the
 * image pull per its pull policy (Pulling/Pulled events), the runtime's start (Created/Started), its
 * postStart hook while it still counts as being created, then its probes; a failed start waits out a
 * back-off ({@code ErrImagePull}, {@code ImagePullBackOff}...). Confined to the kubelet's context.
 */
final class ContainerStarter {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerStarter.class);
  private static final String NORMAL = PodWorker.NORMAL;
  private static final String WARNING = PodWorker.WARNING;

  private final PodWorker w;
  private final PodManager m;
  private final HookRunner hooks;
  private final Prober prober;
  private final ContainerRestarter restarter;

  ContainerStarter(PodWorker w, PodManager m, HookRunner hooks, Prober prober, ContainerRestarter restarter) {
    this.w = w;
    this.m = m;
    this.hooks = hooks;
    this.prober = prober;
    this.restarter = restarter;
  }

  /**
   * Starts the container of {@code rec} (it is marked starting until its run, or its failure, is recorded): as
   * kube's {@code startContainer}, the image first, then the container's configuration (its environment: a
   * missing ConfigMap or key is {@code CreateContainerConfigError} after the image's events), its mounts, the run.
   */
  void start(ContainerRecord rec) {
    Container spec = w.container(rec);
    rec.starting = true;
    if (!rec.everRan()) {
      // the first start under this kubelet: a run its former kubelet left goes on, as kube's kubelet finds the CRI's
      ContainerSpec cs;
      try {
        cs = containerSpec(rec, spec);
      } catch (RuntimeException e) { // its configuration fails: the start says why
        startNew(rec, spec);
        return;
      }
      m.runtime.adopt(cs).otherwise((AdoptedContainer) null).onComplete(ar ->
          m.context.runOnContext(v -> {
            if (ar.result() != null) {
              adopted(rec, ar.result(), cs);
            } else if (rec.init && !rec.sidecar) {
              // an init container that ended under the former kubelet is not run again (kube's
              // computeInitContainerActions reads the exited init containers of the pod's sandbox)
              m.runtime.endedRun(cs).otherwise((EndedRun) null).onComplete(ended -> m.context.runOnContext(x -> {
                if (ended.result() != null) {
                  endedBefore(rec, ended.result(), cs);
                } else {
                  startNew(rec, spec);
                }
              }));
            } else {
              startNew(rec, spec);
            }
          }));
      return;
    }
    startNew(rec, spec);
  }

  private void startNew(ContainerRecord rec, Container spec) {
    Map<String, Path> volumes = w.volumes();
    Path podDir = w.podDir();
    pull(rec, spec)
        .map(v -> containerSpec(rec, spec))
        .compose(cs -> m.vertx.executeBlocking(() -> {
          try {
            io.dekube.kubelet.logs.DeadContainerLogs.removeOlderRuns(cs.logFile());
          } catch (java.io.IOException e) {
            LOG.warn("cannot remove the logs of {}'s older runs: {}", rec.name, e.toString());
          }
          return cs.withMounts(Volumes.mounts(spec, cs.env(), volumes, podDir));
        }, false))
        .compose(mounted -> m.runtime.start(mounted).map(c -> Map.entry(c, mounted)))
        .onComplete(ar -> m.context.runOnContext(v -> {
          if (ar.failed()) {
            rec.starting = false;
            startFailed(rec, ar.cause() instanceof ContainerStartException e ? e
                : new ContainerStartException("RunContainerError", String.valueOf(ar.cause().getMessage())));
            w.requestSync();
          } else {
            created(rec, ar.result().getKey(), ar.result().getValue());
          }
        }));
  }

  /** What the runtime is given: the command with {@code $(VAR)} expanded, the environment, the log and work folders. */
  private ContainerSpec containerSpec(ContainerRecord rec, Container spec) {
    NonRootCheck.verify(w.pod().getSpec().getSecurityContext(), spec, w.kubeName());
    Map<String, String> env = EnvBuilder.build(w.pod(), spec, new EnvBuilder.PodInfo(w.podIp(), m.config.nodeIp(),
        m.config.cpu(), m.config.memory(), m.config.dnsPort().getAsInt(), m.config.clusterDns()), m.lookup);
    String id = UUID.randomUUID().toString().replace("-", "");
    Path log = w.podDir().resolve(rec.name).resolve((rec.restartCount + (rec.terminated != null ? 1 : 0)) + ".log");
    Path work = spec.getWorkingDir() != null && m.runtime.name().equals("process")
        ? Path.of(spec.getWorkingDir()) : w.podDir().resolve(rec.name).resolve("root");
    return new ContainerSpec(w.namespace(), w.name(), w.uid(), m.config.nodeName(), w.podIp(),
        EnvBuilder.expandCommandAndArgs(spec, env), env, log, work, Map.of(), id, HostsFile.of(w.pod(), w.podIp()),
        w.pod().getSpec());
  }

  /**
   * A run its former kubelet left goes on under this one: its id, start and restart count stay, no events (nothing was
   * created), its probes start.
   */
  private void adopted(ContainerRecord rec, AdoptedContainer a, ContainerSpec cs) {
    rec.starting = false;
    if (w.ending()) {
      a.container().stop(Duration.ZERO);
      w.requestSync();
      return;
    }
    LOG.info("pod {}/{}: container {} adopted from the former kubelet ({}, restart count {})", w.namespace(),
        w.name(), rec.name, a.container().containerId(), a.restartCount());
    rec.restartCount = a.restartCount();
    started(rec, a.container(), cs, true);
    rec.startedAt = a.startedAt();
    rec.logFile = a.logFile();
    w.requestSync();
  }

  /**
   * An init container's run that ended under the former kubelet is recorded as it ended — its id, restart count,
   * exit code and times, its termination message — with no events (nothing was created). One that failed, under a
   * restart policy that restarts it, starts again at once: the former kubelet's back-off went with it, as kube's.
   */
  private void endedBefore(ContainerRecord rec, EndedRun run, ContainerSpec cs) {
    Container spec = w.container(rec);
    m.vertx.executeBlocking(() -> TerminationMessage.read(cs.rootDir(), spec, run.exitCode(), run.logFile()), false)
        .onComplete(message -> m.context.runOnContext(v -> {
          rec.starting = false;
          LOG.info("pod {}/{}: init container {} ended under the former kubelet ({}, exit code {}, restart count {})",
              w.namespace(), w.name(), rec.name, run.containerId(), run.exitCode(), run.restartCount());
          rec.restartCount = run.restartCount();
          rec.containerId = run.containerId();
          rec.imageId = run.imageId();
          rec.logFile = run.logFile();
          rec.startedAt = run.startedAt();
          String reason = run.reason() != null ? run.reason() : run.exitCode() == 0 ? "Completed" : "Error";
          rec.terminated = new ContainerRecord.Terminated(run.exitCode(), reason,
              message.succeeded() ? message.result() : null, run.startedAt(), run.finishedAt(), run.containerId());
          rec.restartAt = run.exitCode() != 0 && !w.restartPolicy().equals("Never") ? Instant.now() : null;
          w.requestSync();
        }));
  }

  /**
   * The runtime started the container: kube's Created and Started events, then its postStart hook, if
   * any, while the container still counts as being created (its status waits, probes wait); then it
   * runs — or, when the hook failed, it is killed (FailedPostStartHook) and its restart policy applies.
   */
  private void created(ContainerRecord rec, RunningContainer c, ContainerSpec cs) {
    if (w.ending()) {
      rec.starting = false;
      c.stop(Duration.ZERO);
      w.requestSync();
      return;
    }
    w.event(rec, NORMAL, "Created", "Created container " + rec.name);
    w.event(rec, NORMAL, "Started", "Started container " + rec.name);
    String notice = m.runtime.mountNotice(cs);
    if (notice != null) {
      w.event(rec, WARNING, "RelativeMounts", notice);
    }
    Container spec = w.container(rec);
    LifecycleHandler postStart = spec.getLifecycle() == null ? null : spec.getLifecycle().getPostStart();
    if (postStart == null) {
      rec.starting = false;
      started(rec, c, cs, true);
      w.requestSync();
      return;
    }
    HookRunner.Running hook = hooks.run(postStart, spec, c, w.kubeName(), w.podIp());
    rec.postStart = hook;
    rec.postStartDone = io.vertx.core.Promise.promise();
    hook.result().onComplete(ar -> m.context.runOnContext(v -> {
      String failure = ar.succeeded() ? ar.result() : String.valueOf(ar.cause().getMessage());
      rec.starting = false;
      rec.postStart = null;
      started(rec, c, cs, failure == null);
      if (failure != null && rec.running == c) {
        LOG.info("pod {}/{}: postStart hook of container {} failed: {}", w.namespace(), w.name(), rec.name, failure);
        w.event(rec, WARNING, "FailedPostStartHook", "PostStartHook failed");
        rec.postStartError = failure;
        if (w.ending()) {
          // kube kills it under the sync the termination cancelled: its Killing Event is recorded, the stop fails
          // at once, and the termination's own kill (Killing "Stopping container c", preStop, grace) stops it
          w.event(rec, NORMAL, "Killing", "FailedPostStartHook");
        } else {
          w.killContainer(rec, w.grace(), "FailedPostStartHook");
        }
      }
      rec.postStartDone.tryComplete();
      w.requestSync();
    }));
  }

  /** Pulls the container's image per its pull policy, with kube's Pulling/Pulled events. */
  private Future<Void> pull(ContainerRecord rec, Container spec) {
    String image = rec.image == null ? "" : rec.image;
    String policy = spec.getImagePullPolicy() != null ? spec.getImagePullPolicy()
        : defaultPullPolicy(image);
    Future<Boolean> present = policy.equals("Never") ? Future.succeededFuture(true)
        : !policy.equals("IfNotPresent") ? Future.succeededFuture(false)
        : m.events.present(image) ? Future.succeededFuture(true) : m.runtime.hasImage(image).otherwise(false);
    return present.compose(there -> {
      if (there) {
        // built-in images count as present for Never; the runtime's start still refuses unknown ones
        w.event(rec, NORMAL, "Pulled", "Container image \"" + image + "\" already present on machine");
        return Future.succeededFuture();
      }
      return pullNow(rec, image);
    });
  }

  private Future<Void> pullNow(ContainerRecord rec, String image) {
    w.event(rec, NORMAL, "Pulling", "Pulling image \"" + image + "\"");
    long t0 = System.nanoTime();
    return m.runtime.pull(image).compose(v -> {
      m.events.pulled(image);
      String took = PodEvents.duration(System.nanoTime() - t0);
      // the size the runtime gives (the jvm runtime's images are built in: each weighs what its real image does)
      return m.runtime.imageSize(image).otherwise(0L).map(size -> {
        w.event(rec, NORMAL, "Pulled", "Successfully pulled image \"" + image + "\" in " + took + " (" + took
            + " including waiting). Image size: " + size + " bytes.");
        return null;
      });
    });
  }

  /** Kubernetes' default: Always for {@code :latest} or no tag, IfNotPresent otherwise. */
  static String defaultPullPolicy(String image) {
    String last = image.substring(image.lastIndexOf('/') + 1);
    boolean pinned = image.contains("@") || last.contains(":") && !last.endsWith(":latest");
    return pinned ? "IfNotPresent" : "Always";
  }

  /**
   * The container runs ({@code hooked}: its postStart hook, if any, succeeded; else it is about to be killed). In a
   * pod that is ending (its postStart hook returned after the termination began) it is recorded as running, unprobed,
   * for the termination to stop as any other ({@link PodTermination}).
   */
  private void started(ContainerRecord rec, RunningContainer c, ContainerSpec cs, boolean hooked) {
    if (rec.terminated != null) {
      rec.last = rec.terminated;
      rec.restartCount++;
    }
    rec.terminated = null;
    rec.restartAt = null;
    rec.waitingMessage = null;
    rec.endShown = false;
    rec.heldBackAt = null;
    rec.running = c;
    rec.startedAt = Instant.now();
    rec.containerId = c.containerId();
    rec.imageId = c.imageId();
    rec.generation++;
    rec.logFile = cs.logFile();
    Container spec = w.container(rec);
    rec.started = hooked && spec.getStartupProbe() == null;
    rec.ready = rec.started && spec.getReadinessProbe() == null && !rec.ephemeral;
    int gen = rec.generation;
    c.exited().onComplete(ar -> m.context.runOnContext(v ->
        restarter.ended(rec, gen, ar.succeeded() ? ar.result() : 1, cs.rootDir())));
    if (hooked && (!rec.init || rec.sidecar) && !rec.ephemeral && !w.ending()) {
      prober.start(rec, spec, gen);
    }
    LOG.debug("started container {} of pod {}/{} ({})", rec.name, w.namespace(), w.name(), c.containerId());
  }

  private void startFailed(ContainerRecord rec, ContainerStartException e) {
    rec.endShown = false; // kube's reason cache holds the failed start's error
    boolean pull = e.reason().equals("ErrImagePull");
    rec.waitingReason = pull && rec.backoff != null ? "ImagePullBackOff" : e.reason();
    rec.waitingMessage = pull && rec.backoff != null ? "Back-off pulling image \"" + rec.image + "\": " + e.getMessage()
        : e.getMessage();
    if (pull) {
      w.event(rec, WARNING, "Failed", e.getMessage().startsWith("Failed to pull") ? e.getMessage()
          : "Failed to pull image \"" + rec.image + "\": " + e.getMessage());
      w.event(rec, WARNING, "Failed", "Error: ErrImagePull");
      if (rec.backoff != null) {
        w.event(rec, NORMAL, "BackOff", "Back-off pulling image \"" + rec.image + "\"");
        w.event(rec, WARNING, "Failed", "Error: ImagePullBackOff");
      }
    } else {
      w.event(rec, WARNING, "Failed", "Error: " + e.getMessage());
    }
    if (retriedWithoutBackOff(e.reason())) {
      // no container was made: kube's pod worker tries the pod again after its 10 s, every time (the initial
      // back-off here), so a ConfigMap created meanwhile is seen within seconds; nothing counts as a crash
      rec.restartAt = Instant.now().plus(m.backoff.initial());
    } else {
      rec.backoff = rec.backoff == null ? m.backoff.initial() : min(rec.backoff.multipliedBy(2), m.backoff.max());
      rec.restartAt = Instant.now().plus(rec.backoff);
    }
    w.retryAt(rec.restartAt);
    w.publish();
  }

  /**
   * Whether a start that failed for {@code reason} is tried again at the pod worker's steady pace rather than after a
   * growing back-off: the container's configuration (a missing ConfigMap, Secret or key, runAsNonRoot) or its
   * creation failed, so no container ran — unlike an image pull (ImagePullBackOff) or a run that failed.
   */
  static boolean retriedWithoutBackOff(String reason) {
    return reason.equals("CreateContainerConfigError") || reason.equals("CreateContainerError");
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
