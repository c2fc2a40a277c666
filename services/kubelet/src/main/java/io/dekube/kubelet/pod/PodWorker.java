package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.event.EventRecorder;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.dekube.kubelet.lifecycle.ContainerKill;
import io.dekube.kubelet.lifecycle.HookRunner;
import io.dekube.kubelet.probe.Prober;
import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.RunningContainer;
import io.dekube.kubelet.runtime.TerminationMessage;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod on one node (kubelet's pod worker): serialises the pod's syncs, each of which compares
 * the spec with the container records and acts on the difference — admit, allocate the IP, write
 * the volumes, run the init containers in order, then the containers, restart them per the
 * restart policy with back-off — and hands the resulting status to the status manager. A pod with
 * a deletionTimestamp has its containers stopped within its grace period, then is deleted for good.
 * Confined to the kubelet's context.
 */
public final class PodWorker {

  private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);
  private static final String NORMAL = EventRecorder.NORMAL;
  private static final String WARNING = EventRecorder.WARNING;
  /** How long a container start may take before the pod's status shows it as ContainerCreating. */
  static final Duration STARTING_PUBLISH = Duration.ofSeconds(1);

  private final PodManager m;
  private final String uid;
  private final List<ContainerRecord> inits = new ArrayList<>();
  private final List<ContainerRecord> containers = new ArrayList<>();
  private final List<ContainerRecord> ephemerals = new ArrayList<>();
  private final Path podDir;
  private final Prober prober;
  private final HookRunner hooks;
  private final ContainerKill killer;
  private Pod pod;
  private ObjectNode tree;
  private String ip;
  private Instant startTime;
  private Map<String, Path> volumes;
  private Admission.Rejection rejection;
  private boolean admitted;
  private boolean volumeWaitReported;
  private boolean syncing;
  private boolean dirty;
  private boolean terminating;
  private boolean gone;
  private long retryTimer = -1;
  private long startingTimer = -1;
  private FinalDelete finalDelete;

  PodWorker(PodManager m, Pod pod, ObjectNode tree) {
    this.m = m;
    this.pod = pod;
    this.tree = tree;
    this.uid = pod.getMetadata().getUid();
    this.podDir = m.config.podsDir().resolve(namespace() + "_" + name() + "_" + uid);
    this.prober = new Prober(m.vertx, this);
    this.hooks = new HookRunner(m.vertx);
    this.killer = new ContainerKill(m.vertx, hooks);
    for (Container c : list(pod.getSpec().getInitContainers())) {
      inits.add(new ContainerRecord(c.getName(), true, c.getImage()));
    }
    for (Container c : list(pod.getSpec().getContainers())) {
      containers.add(new ContainerRecord(c.getName(), false, c.getImage()));
    }
    addEphemerals();
    restoreRestartCounts(tree);
  }

  /** Records for the ephemeral containers of the pod's spec that have none yet. */
  private void addEphemerals() {
    for (var e : list(pod.getSpec().getEphemeralContainers())) {
      if (ephemerals.stream().noneMatch(r -> r.name.equals(e.getName()))) {
        ContainerRecord r = new ContainerRecord(e.getName(), false, e.getImage());
        r.ephemeral = true;
        ephemerals.add(r);
      }
    }
  }

  public String namespace() {
    return pod.getMetadata().getNamespace();
  }

  public String name() {
    return pod.getMetadata().getName();
  }

  /** Rewrites the pod's projected token files (renewed tokens), off the event loop; once its volumes exist. */
  void refreshTokens() {
    Map<String, Path> dirs = volumes;
    Pod current = pod;
    if (dirs == null || gone || !hasProjectedToken(current)) {
      return;
    }
    m.vertx.executeBlocking(() -> {
      Volumes.refreshTokens(current, dirs, m.tokens);
      return null;
    }, false).onFailure(e -> LOG.debug("pod {}/{}: token refresh failed: {}", namespace(), name(), e.toString()));
  }

  private static boolean hasProjectedToken(Pod p) {
    return p.getSpec().getVolumes() != null && p.getSpec().getVolumes().stream().anyMatch(v -> v.getProjected() != null
        && v.getProjected().getSources() != null
        && v.getProjected().getSources().stream().anyMatch(s -> s.getServiceAccountToken() != null));
  }

  Pod pod() {
    return pod;
  }

  public String podIp() {
    return ip;
  }

  /** The pod as this kubelet last received it (a copy), for the kubelet API's {@code /pods}. */
  public ObjectNode object() {
    return tree.deepCopy();
  }

  public String uid() {
    return uid;
  }

  /** When the kubelet first started the pod (its {@code status.startTime}); null before. */
  public Instant startTime() {
    return startTime;
  }

  /** Whether the pod counts on the node: admitted, and its containers not stopped for its deletion. */
  boolean holdsResources() {
    return admitted && rejection == null && !gone && finalDelete == null;
  }

  /** A newer version of the pod from the store. */
  void update(ObjectNode next) {
    if (rv(next) < rv(tree)) {
      return;
    }
    tree = next;
    if (next.path("metadata").hasNonNull("deletionTimestamp") && pod.getMetadata().getDeletionTimestamp() == null
        || next.path("spec").path("ephemeralContainers").size() != ephemerals.size()) {
      pod = Typed.from(next, Pod.class);
      addEphemerals();
    }
    requestSync();
  }

  /** The pod's tombstone: it was deleted without waiting for us. */
  void removed() {
    gone = true;
    if (finalDelete != null) {
      finalDelete.gone();
    }
    requestSync();
  }

  /** Runs a sync now, or once the running one ends. */
  void requestSync() {
    if (syncing) {
      dirty = true;
      return;
    }
    syncing = true;
    dirty = false;
    Future<Void> f;
    try {
      f = sync();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("sync pod {}/{} failed: {}", namespace(), name(), ar.cause().toString());
      }
      syncing = false;
      if (dirty) {
        requestSync();
      }
    });
  }

  private Future<Void> sync() {
    if (gone || tree.path("metadata").hasNonNull("deletionTimestamp")) {
      return terminate();
    }
    if (!admitted) {
      rejection = Admission.check(pod, m.admitted(this), m.config.cpu(), m.config.memory(), m.config.maxPods());
      admitted = true;
      if (rejection != null) {
        LOG.info("pod {}/{} rejected on node {}: {}", namespace(), name(), m.config.nodeName(), rejection.message());
        event(null, WARNING, rejection.reason(), rejection.message());
      }
    }
    if (rejection != null) {
      publishRejected();
      return Future.succeededFuture();
    }
    String sandbox = RuntimeHandlers.problem(pod, m.runtimeClasses, m.config.runtime());
    if (sandbox != null) {
      return sandboxFailed(sandbox);
    }
    if (ip == null) {
      ip = Boolean.TRUE.equals(pod.getSpec().getHostNetwork()) ? m.config.nodeIp() : reservedOrNewIp();
      startTime = startTime != null ? startTime : Instant.now();
    }
    if (volumes == null) {
      return m.vertx.executeBlocking(() -> Volumes.prepare(pod, podDir, m.lookup, m.tokens, ip, m.config.nodeIp()), false)
          .compose(v -> {
            volumes = v;
            return runContainers();
          }, e -> {
            String reason = e instanceof ContainerStartException cse ? cse.reason() : "CreateContainerConfigError";
            if (ClaimVolumes.WAITING.equals(reason)) {
              return waitForVolumes(e.getMessage());
            }
            containers.forEach(c -> {
              c.waitingReason = reason;
              c.waitingMessage = e.getMessage();
              event(c, WARNING, "Failed", "Error: " + e.getMessage());
            });
            publish();
            retryAt(Instant.now().plus(m.backoff.initial()));
            return Future.succeededFuture();
          });
    }
    return runContainers();
  }

  /**
   * The sandbox cannot be created (the pod's RuntimeClass): the containers stay ContainerCreating, a
   * {@code FailedCreatePodSandBox} Event says why at each try, as kube's kubelet, and the pod is tried
   * again after the first back-off.
   */
  private Future<Void> sandboxFailed(String problem) {
    LOG.debug("pod {}/{} has no sandbox on node {}: {}", namespace(), name(), m.config.nodeName(), problem);
    event(null, WARNING, "FailedCreatePodSandBox", "Failed to create pod sandbox: " + problem);
    publish();
    retryAt(Instant.now().plus(m.backoff.initial()));
    return Future.succeededFuture();
  }

  /**
   * A claim is not bound yet: the containers stay ContainerCreating, one {@code FailedMount} Event says
   * why (kube's volume manager wording), and the volumes are tried again in a second.
   */
  private Future<Void> waitForVolumes(String message) {
    containers.forEach(c -> {
      c.waitingReason = ClaimVolumes.WAITING;
      c.waitingMessage = null;
    });
    if (!volumeWaitReported) {
      volumeWaitReported = true;
      event(null, WARNING, "FailedMount", message);
      LOG.info("pod {}/{} waits for its volumes on node {}: {}", namespace(), name(), m.config.nodeName(), message);
    }
    publish();
    retryAt(Instant.now().plusSeconds(1));
    return Future.succeededFuture();
  }

  private String reservedOrNewIp() {
    String held = tree.path("status").path("podIP").asText("");
    return held.isEmpty() ? m.allocateIp(uid) : held;
  }

  private Future<Void> runContainers() {
    Instant now = Instant.now();
    for (ContainerRecord init : inits) {
      if (init.succeeded()) {
        continue;
      }
      if (init.running == null && !init.starting && due(init, now)) {
        start(init);
      }
      publishUnlessStarting();
      return Future.succeededFuture();
    }
    for (ContainerRecord c : containers) {
      if (c.running == null && !c.starting && due(c, now)) {
        start(c);
      }
    }
    // ephemeral containers join a running pod, once each
    boolean running = containers.stream().anyMatch(c -> c.running != null);
    for (ContainerRecord e : ephemerals) {
      if (running && e.running == null && !e.starting && e.terminated == null && due(e, now)) {
        start(e);
      }
    }
    publishUnlessStarting();
    return Future.succeededFuture();
  }

  /**
   * Publishes the status, unless a container is being started: then the status that says it runs
   * follows its start (one write instead of ContainerCreating and Running one after the other), and
   * the ContainerCreating one goes out only if the start takes longer than {@link #STARTING_PUBLISH}.
   */
  private void publishUnlessStarting() {
    if (all().stream().noneMatch(c -> c.starting)) {
      m.vertx.cancelTimer(startingTimer);
      startingTimer = -1;
      publish();
    } else if (startingTimer < 0) {
      startingTimer = m.vertx.setTimer(STARTING_PUBLISH.toMillis(), t -> {
        startingTimer = -1;
        if (!terminating) {
          publish();
        }
      });
    }
  }

  /** Whether a container that is not running should start now (and arms the retry timer otherwise). */
  private boolean due(ContainerRecord c, Instant now) {
    if (c.terminated != null && c.restartAt == null) {
      return false; // ended for good (restart policy)
    }
    if (c.restartAt != null && c.restartAt.isAfter(now)) {
      retryAt(c.restartAt);
      return false;
    }
    return true;
  }

  private void retryAt(Instant when) {
    long ms = Math.max(1, Duration.between(Instant.now(), when).toMillis());
    m.vertx.cancelTimer(retryTimer);
    retryTimer = m.vertx.setTimer(ms, t -> requestSync());
  }

  private void start(ContainerRecord rec) {
    Container spec = container(rec);
    ContainerSpec cs;
    try {
      Map<String, String> env = EnvBuilder.build(pod, spec, new EnvBuilder.PodInfo(ip, m.config.nodeIp(),
          m.config.cpu(), m.config.memory(), m.config.dnsPort().getAsInt(), m.config.clusterDns()), m.lookup);
      String id = UUID.randomUUID().toString().replace("-", "");
      Path log = podDir.resolve(rec.name).resolve((rec.restartCount + (rec.terminated != null ? 1 : 0)) + ".log");
      Path work = spec.getWorkingDir() != null && m.runtime.name().equals("process")
          ? Path.of(spec.getWorkingDir()) : podDir.resolve(rec.name).resolve("root");
      cs = new ContainerSpec(namespace(), name(), uid, m.config.nodeName(), ip, spec, env, log, work,
          Volumes.mounts(spec, volumes), id, HostsFile.of(pod, ip));
    } catch (ContainerStartException e) {
      startFailed(rec, e);
      return;
    }
    rec.starting = true;
    pull(rec, spec).compose(v -> m.runtime.start(cs)).onComplete(ar -> m.context.runOnContext(v -> {
      if (ar.failed()) {
        rec.starting = false;
        startFailed(rec, ar.cause() instanceof ContainerStartException e ? e
            : new ContainerStartException("RunContainerError", String.valueOf(ar.cause().getMessage())));
        requestSync();
      } else {
        created(rec, ar.result(), cs);
      }
    }));
  }

  /**
   * The runtime started the container: kube's Created and Started events, then its postStart hook, if
   * any, while the container still counts as being created (its status waits, probes wait); then it
   * runs — or, when the hook failed, it is killed (FailedPostStartHook) and its restart policy applies.
   */
  private void created(ContainerRecord rec, RunningContainer c, ContainerSpec cs) {
    if (terminating || gone) {
      rec.starting = false;
      c.stop(Duration.ZERO);
      requestSync();
      return;
    }
    event(rec, NORMAL, "Created", "Created container " + rec.name);
    event(rec, NORMAL, "Started", "Started container " + rec.name);
    String notice = m.runtime.mountNotice(cs);
    if (notice != null) {
      event(rec, WARNING, "RelativeMounts", notice);
    }
    Container spec = container(rec);
    LifecycleHandler postStart = spec.getLifecycle() == null ? null : spec.getLifecycle().getPostStart();
    if (postStart == null) {
      rec.starting = false;
      started(rec, c, cs, true);
      requestSync();
      return;
    }
    hooks.run(postStart, spec, c, kubeName(), ip).result().onComplete(ar -> m.context.runOnContext(v -> {
      String failure = ar.succeeded() ? ar.result() : String.valueOf(ar.cause().getMessage());
      rec.starting = false;
      started(rec, c, cs, failure == null);
      if (failure != null && rec.running == c) {
        LOG.info("pod {}/{}: postStart hook of container {} failed: {}", namespace(), name(), rec.name, failure);
        event(rec, WARNING, "FailedPostStartHook", "PostStartHook failed");
        rec.postStartError = failure;
        killContainer(rec, grace(), "FailedPostStartHook");
      }
      requestSync();
    }));
  }

  /** The pod as kube's {@code format.Pod} names it in hook messages: {@code name_namespace(uid)}. */
  private String kubeName() {
    return name() + "_" + namespace() + "(" + uid + ")";
  }

  /**
   * Kills a running container as kube's {@code killContainer} does (see {@link ContainerKill}): a
   * Killing Event with {@code message}, its preStop hook (FailedPreStopHook when it fails), then the stop.
   */
  private Future<Integer> killContainer(ContainerRecord rec, long graceSeconds, String message) {
    event(rec, NORMAL, "Killing", message);
    rec.killing = true;
    return killer.kill(rec.running, container(rec), graceSeconds, kubeName(), ip, failure -> {
      LOG.info("pod {}/{}: preStop hook of container {} failed: {}", namespace(), name(), rec.name, failure);
      event(rec, WARNING, "FailedPreStopHook", "PreStopHook failed");
    });
  }

  /** Pulls the container's image per its pull policy, with kube's Pulling/Pulled events. */
  private Future<Void> pull(ContainerRecord rec, Container spec) {
    String image = rec.image == null ? "" : rec.image;
    String policy = spec.getImagePullPolicy() != null ? spec.getImagePullPolicy()
        : defaultPullPolicy(image);
    if (policy.equals("Never") || policy.equals("IfNotPresent") && m.events.present(image)) {
      // built-in images count as present for Never; the runtime's start still refuses unknown ones
      event(rec, NORMAL, "Pulled", "Container image \"" + image + "\" already present on machine");
      return Future.succeededFuture();
    }
    event(rec, NORMAL, "Pulling", "Pulling image \"" + image + "\"");
    long t0 = System.nanoTime();
    return m.runtime.pull(image).onSuccess(v -> {
      m.events.pulled(image);
      String took = PodEvents.duration(System.nanoTime() - t0);
      // the jvm runtime's images are built in: nothing was downloaded
      event(rec, NORMAL, "Pulled", "Successfully pulled image \"" + image + "\" in " + took + " (" + took
          + " including waiting). Image size: 0 bytes.");
    });
  }

  /** Kubernetes' default: Always for {@code :latest} or no tag, IfNotPresent otherwise. */
  static String defaultPullPolicy(String image) {
    String last = image.substring(image.lastIndexOf('/') + 1);
    boolean pinned = image.contains("@") || last.contains(":") && !last.endsWith(":latest");
    return pinned ? "IfNotPresent" : "Always";
  }

  /** The container runs ({@code hooked}: its postStart hook, if any, succeeded; else it is about to be killed). */
  private void started(ContainerRecord rec, RunningContainer c, ContainerSpec cs, boolean hooked) {
    if (terminating || gone) {
      c.stop(Duration.ZERO);
      return;
    }
    if (rec.terminated != null) {
      rec.last = rec.terminated;
      rec.restartCount++;
    }
    rec.terminated = null;
    rec.restartAt = null;
    rec.waitingMessage = null;
    rec.running = c;
    rec.startedAt = Instant.now();
    rec.containerId = c.containerId();
    rec.imageId = c.imageId();
    rec.generation++;
    rec.logFile = cs.logFile();
    Container spec = container(rec);
    rec.started = hooked && spec.getStartupProbe() == null;
    rec.ready = rec.started && spec.getReadinessProbe() == null && !rec.ephemeral;
    int gen = rec.generation;
    c.exited().onComplete(ar -> m.context.runOnContext(v ->
        ended(rec, gen, ar.succeeded() ? ar.result() : 1, cs.rootDir())));
    if (hooked && !rec.init && !rec.ephemeral) {
      prober.start(rec, spec, gen);
    }
    LOG.debug("started container {} of pod {}/{} ({})", rec.name, namespace(), name(), c.containerId());
  }

  private void startFailed(ContainerRecord rec, ContainerStartException e) {
    boolean pull = e.reason().equals("ErrImagePull");
    rec.waitingReason = pull && rec.backoff != null ? "ImagePullBackOff" : e.reason();
    rec.waitingMessage = pull && rec.backoff != null ? "Back-off pulling image \"" + rec.image + "\": " + e.getMessage()
        : e.getMessage();
    if (pull) {
      event(rec, WARNING, "Failed", e.getMessage().startsWith("Failed to pull") ? e.getMessage()
          : "Failed to pull image \"" + rec.image + "\": " + e.getMessage());
      event(rec, WARNING, "Failed", "Error: ErrImagePull");
      if (rec.backoff != null) {
        event(rec, NORMAL, "BackOff", "Back-off pulling image \"" + rec.image + "\"");
        event(rec, WARNING, "Failed", "Error: ImagePullBackOff");
      }
    } else {
      event(rec, WARNING, "Failed", "Error: " + e.getMessage());
    }
    rec.backoff = rec.backoff == null ? m.backoff.initial() : min(rec.backoff.multipliedBy(2), m.backoff.max());
    rec.restartAt = Instant.now().plus(rec.backoff);
    retryAt(rec.restartAt);
    publish();
  }

  /** A container ended: its termination message is read (off the event loop, before a restart empties its folder). */
  private void ended(ContainerRecord rec, int gen, int code, Path rootDir) {
    if (gen != rec.generation || rec.running == null) {
      return;
    }
    prober.stop(rec.name);
    Instant now = Instant.now();
    if (m.runtime.name().equals("simulated")) {
      exited(rec, gen, code, now, null);
      return;
    }
    Container spec = container(rec);
    Path log = rec.logFile;
    m.vertx.executeBlocking(() -> TerminationMessage.read(rootDir, spec, code, log), false)
        .onComplete(ar -> m.context.runOnContext(v -> exited(rec, gen, code, now, ar.succeeded() ? ar.result() : null)));
  }

  /** A container's end: record it, decide on its restart. */
  private void exited(ContainerRecord rec, int gen, int code, Instant now, String message) {
    if (gen != rec.generation || rec.running == null) {
      return;
    }
    String reason = rec.killReason != null ? rec.killReason : code == 0 ? "Completed" : "Error";
    rec.killReason = null;
    rec.killing = false;
    String postStartError = rec.postStartError;
    rec.postStartError = null;
    rec.terminated = new ContainerRecord.Terminated(code, reason, message, rec.startedAt, now, rec.containerId);
    rec.running = null;
    rec.ready = false;
    rec.started = false;
    String policy = restartPolicy();
    boolean restart = !terminating && !gone && !rec.ephemeral && (rec.init ? code != 0 && !policy.equals("Never")
        : policy.equals("Always") || (policy.equals("OnFailure") && code != 0));
    if (restart) {
      rec.backoff = m.backoff.delay(rec.backoff, Duration.between(rec.startedAt, now));
      rec.restartAt = now.plus(rec.backoff);
      rec.waitingReason = rec.backoff.isZero() ? "ContainerCreating" : "CrashLoopBackOff";
      rec.waitingMessage = rec.backoff.isZero() ? null : "back-off " + rec.backoff.toSeconds() + "s restarting "
          + "failed container=" + rec.name + " pod=" + name() + "_" + namespace() + "(" + uid + ")";
      if (postStartError != null && rec.backoff.isZero()) {
        // kube's sync result of the failed start, until a back-off says CrashLoopBackOff instead
        rec.waitingReason = "PostStartHookError";
        rec.waitingMessage = postStartError;
      }
      if (!rec.backoff.isZero()) {
        event(rec, WARNING, "BackOff", "Back-off restarting failed container " + rec.name + " in pod " + name() + "_"
            + namespace() + "(" + uid + ")");
      }
    } else {
      rec.restartAt = null;
    }
    requestSync();
  }

  /**
   * A probe asks for a container's restart (liveness or startup failure), within the probe's
   * {@code terminationGracePeriodSeconds} when it has one (kube's {@code setTerminationGracePeriod}).
   */
  public void kill(String container, int gen, String why, Long probeGrace) {
    ContainerRecord rec = record(container);
    if (rec == null || rec.generation != gen || rec.running == null || rec.killing || terminating) {
      return;
    }
    LOG.info("pod {}/{}: container {} {}, will be restarted", namespace(), name(), container, why);
    rec.killReason = "Error";
    boolean deleting = pod.getMetadata().getDeletionGracePeriodSeconds() != null;
    killContainer(rec, probeGrace != null && !deleting ? Math.max(0, probeGrace) : grace(),
        "Container " + container + " " + why + ", will be restarted");
  }

  /** A probe failed once ({@code kind}: Liveness, Readiness, Startup): kube's Unhealthy event. */
  public void probeFailed(String container, int gen, String kind, String output) {
    ContainerRecord rec = record(container);
    if (rec != null && rec.generation == gen && rec.running != null) {
      event(rec, WARNING, "Unhealthy", kind + " probe failed: " + output);
    }
  }

  /** A probe's result changed a container's readiness or startup. */
  public void probed(String container, int gen, Boolean ready, Boolean started) {
    ContainerRecord rec = record(container);
    if (rec == null || rec.generation != gen || rec.running == null) {
      return;
    }
    if (started != null) {
      rec.started = started;
      if (started && container(rec).getReadinessProbe() == null) {
        rec.ready = true;
      }
    }
    if (ready != null) {
      rec.ready = ready && rec.started;
    }
    publish();
  }

  private void publish() {
    if (gone) {
      return;
    }
    PodStatusBuilder.Input in = new PodStatusBuilder.Input(inits, containers, restartPolicy(), ip,
        m.config.nodeIp(), startTime, tree.path("metadata").hasNonNull("deletionTimestamp"), ephemerals);
    var previous = m.status.lastSent(uid) != null ? m.status.lastSent(uid) : tree.path("status");
    ObjectNode status = PodStatusBuilder.build(in, previous, Instant.now());
    m.status.set(uid, tree, status);
  }

  private void publishRejected() {
    ObjectNode status = io.dekube.core.model.Json.object().put("phase", "Failed").put("reason", rejection.reason())
        .put("message", rejection.message());
    if (startTime == null) {
      startTime = Instant.now();
    }
    status.put("startTime", PodStatusBuilder.time(startTime));
    m.status.set(uid, tree, status);
  }

  /**
   * Stops the containers within the grace period, then deletes the pod for good (trying until it is
   * gone, see {@link FinalDelete}), then removes its folder and forgets it — unless the kubelet stops
   * meanwhile.
   */
  private Future<Void> terminate() {
    if (terminating) {
      return Future.succeededFuture();
    }
    terminating = true;
    m.vertx.cancelTimer(retryTimer);
    m.vertx.cancelTimer(startingTimer);
    prober.stopAll();
    // a pod already gone from the store was deleted with grace 0 (forced): no preStop, kube's minimal window
    long grace = gone ? 0 : grace();
    List<Future<Integer>> stops = new ArrayList<>();
    for (ContainerRecord c : all()) {
      if (c.running != null) {
        boolean ending = c.killing || c.running.exited().isComplete();
        stops.add(ending ? c.running.exited() : killContainer(c, grace, "Stopping container " + c.name));
      }
    }
    return Future.join(stops).<Void>mapEmpty().recover(e -> Future.succeededFuture())
        .compose(v -> gone ? Future.succeededFuture(FinalDelete.Result.GONE) : finalDelete())
        .compose(this::forget);
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
      deleteTree(podDir);
      return null;
    }, false).<Void>mapEmpty().onComplete(ar -> m.gone(uid));
  }

  private Future<FinalDelete.Result> finalDelete() {
    finalDelete = new FinalDelete(m.vertx, namespace() + "/" + name() + " (uid " + uid + ")",
        () -> m.store.delete(StatusManager.PODS, namespace(), name(),
            WriteOptions.none().withUid(uid).withGracePeriodSeconds(0L)),
        StoreRetry.FIRST, StoreRetry.MAX);
    return finalDelete.run();
  }

  /** The node is powered off: containers end, nothing is written. */
  Future<Void> powerOff() {
    gone = true;
    terminating = true;
    if (finalDelete != null) {
      finalDelete.stop();
    }
    m.vertx.cancelTimer(retryTimer);
    m.vertx.cancelTimer(startingTimer);
    prober.stopAll();
    List<Future<Integer>> stops = new ArrayList<>();
    all().stream().filter(c -> c.running != null).forEach(c -> stops.add(c.running.stop(Duration.ZERO)));
    return Future.join(stops).mapEmpty();
  }

  private void event(ContainerRecord rec, String type, String reason, String message) {
    m.events.pod(pod, rec, type, reason, message);
  }

  private long grace() {
    Long g = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (g == null) {
      g = pod.getSpec().getTerminationGracePeriodSeconds();
    }
    return g == null ? 30 : Math.max(0, g);
  }

  private String restartPolicy() {
    return pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
  }

  /** The record of a container (init or not), for the kubelet API; null when unknown. */
  public ContainerRecord record(String container) {
    for (ContainerRecord c : all()) {
      if (c.name.equals(container)) {
        return c;
      }
    }
    return null;
  }

  /** The name of the pod's first container (the default of logs and exec). */
  public String defaultContainer() {
    return containers.isEmpty() ? "" : containers.get(0).name;
  }

  Container container(ContainerRecord rec) {
    if (rec.ephemeral) {
      for (var e : list(pod.getSpec().getEphemeralContainers())) {
        if (e.getName().equals(rec.name)) {
          // the same fields as a container (targetContainerName aside: jvm containers share no namespaces)
          return Typed.from(Typed.tree(e), Container.class);
        }
      }
    }
    for (Container c : list(rec.init ? pod.getSpec().getInitContainers() : pod.getSpec().getContainers())) {
      if (c.getName().equals(rec.name)) {
        return c;
      }
    }
    throw new IllegalStateException("no container " + rec.name);
  }

  /** The running containers (not init containers that finished), for resource metrics. */
  public List<ContainerRecord> running() {
    return all().stream().filter(ContainerRecord::isRunning).toList();
  }

  private List<ContainerRecord> all() {
    List<ContainerRecord> l = new ArrayList<>(inits);
    l.addAll(containers);
    l.addAll(ephemerals);
    return l;
  }

  private void restoreRestartCounts(ObjectNode t) {
    for (var s : t.path("status").path("containerStatuses")) {
      ContainerRecord r = containers.stream().filter(c -> c.name.equals(s.path("name").asText())).findFirst()
          .orElse(null);
      if (r != null) {
        r.restartCount = s.path("restartCount").asInt(0);
      }
    }
    // an ephemeral container runs once: one that ran before this kubelet (re)started is not run again
    for (var s : t.path("status").path("ephemeralContainerStatuses")) {
      ContainerRecord r = ephemerals.stream().filter(c -> c.name.equals(s.path("name").asText())).findFirst()
          .orElse(null);
      var state = s.path("state");
      if (r != null && (state.has("terminated") || state.has("running"))) {
        var ended = state.path("terminated");
        r.terminated = new ContainerRecord.Terminated(ended.path("exitCode").asInt(137),
            ended.path("reason").asText("Error"), null, instant(ended.path("startedAt").asText("")),
            instant(ended.path("finishedAt").asText("")), s.path("containerID").asText(null));
      }
    }
  }

  private static Instant instant(String text) {
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return Instant.now();
    }
  }

  private static long rv(ObjectNode t) {
    try {
      return Long.parseLong(t.path("metadata").path("resourceVersion").asText("0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var walk = java.nio.file.Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(p);
      }
    }
  }
}
