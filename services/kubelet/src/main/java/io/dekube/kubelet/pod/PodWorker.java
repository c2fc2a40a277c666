package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.event.EventRecorder;
import io.dekube.core.model.Typed;
import io.dekube.kubelet.lifecycle.ContainerKill;
import io.dekube.kubelet.lifecycle.HookRunner;
import io.dekube.kubelet.probe.Prober;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod on one node (kubelet's pod worker): serialises the pod's syncs, each of which compares
 * the spec with the container records and acts on the difference — admit, allocate the IP, write
 * the volumes, run the init containers in order ({@link InitSequence}: sidecars keep running), then
 * the containers, restart them per the restart policy with back-off — and hands the resulting status to
 * the status manager. A pod with a deletionTimestamp has its containers stopped within its grace period,
 * sidecars last, then is deleted for good. Starts are {@link ContainerStarter}'s, ends and restarts
 * {@link ContainerRestarter}'s, volumes {@link VolumeSetup}'s, the pod's end {@link PodTermination}'s.
 * Confined to the kubelet's context.
 */
public final class PodWorker implements io.dekube.kubelet.eviction.EvictionManager.Candidate {

  private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);
  static final String NORMAL = EventRecorder.NORMAL;
  static final String WARNING = EventRecorder.WARNING;
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
  private final ContainerStarter starter;
  private final PodTermination termination;
  private final VolumeSetup volumeSetup;
  private Pod pod;
  private ObjectNode tree;
  private String ip;
  private Instant startTime;
  private Map<String, Path> volumes;
  private Admission.Rejection rejection;
  private boolean admitted;
  private boolean syncing;
  private boolean dirty;
  private boolean terminating;
  /**
   * The terminal phase (Succeeded, Failed) another writer gave the pod in the API while it ran, once the kubelet
   * acts on it (kube's SyncPod: "If the pod is terminal, we don't need to continue to setup the pod"): its
   * containers stop and never start again; null otherwise.
   */
  private String terminalPhase;
  /** The containers of a pod made terminal by another writer have stopped: its status is the final one. */
  private boolean terminalStopped;
  /** The pod's work is over and its containers stopped: its IP and volumes are released ({@link #tearDown}). */
  private boolean tornDown;
  private boolean gone;
  /** A static pod (from a manifest file): its status goes to its mirror pod, which it is not. */
  private final boolean isStatic;
  /** A static pod's mirror pod as last seen in the store (null: none yet). */
  private ObjectNode mirror;
  /** A static pod whose file went away: it stops, nothing is written. */
  private boolean sourceGone;
  private long retryTimer = -1;
  private Instant retryWhen;
  private long startingTimer = -1;
  /** The message of the node-pressure eviction that ended the pod (null: not evicted). */
  private String evicted;

  PodWorker(PodManager m, Pod pod, ObjectNode tree) {
    this.m = m;
    this.pod = pod;
    this.tree = tree;
    this.uid = pod.getMetadata().getUid();
    this.isStatic = StaticPodFile.isStatic(tree);
    this.podDir = m.config.podsDir().resolve(namespace() + "_" + name() + "_" + uid);
    this.prober = new Prober(m.vertx, this);
    this.hooks = new HookRunner(m.vertx, where -> {
      m.httpFallbacks.increment();
      event(null, WARNING, "LifecycleHTTPFallback", "request to HTTPS lifecycle hook " + where
          + " got HTTP response, retry with HTTP succeeded");
    });
    this.killer = new ContainerKill(m.vertx, hooks);
    this.starter = new ContainerStarter(this, m, hooks, prober, new ContainerRestarter(this, m, prober));
    this.termination = new PodTermination(this, m);
    this.volumeSetup = new VolumeSetup(this, m);
    for (Container c : list(pod.getSpec().getInitContainers())) {
      ContainerRecord r = new ContainerRecord(c.getName(), true, c.getImage());
      r.sidecar = "Always".equals(c.getRestartPolicy());
      r.volumeMounts = PodStatusBuilder.volumeMounts(c.getVolumeMounts());
      inits.add(r);
    }
    for (Container c : list(pod.getSpec().getContainers())) {
      ContainerRecord r = ContainerRecord.container(c.getName(), c.getImage(), !inits.isEmpty());
      r.volumeMounts = PodStatusBuilder.volumeMounts(c.getVolumeMounts());
      containers.add(r);
    }
    addEphemerals();
    RestoredRecords.restore(tree, containers, ephemerals);
  }

  /** Records for the ephemeral containers of the pod's spec that have none yet. */
  private void addEphemerals() {
    for (var e : list(pod.getSpec().getEphemeralContainers())) {
      if (ephemerals.stream().noneMatch(r -> r.name.equals(e.getName()))) {
        ContainerRecord r = new ContainerRecord(e.getName(), false, e.getImage());
        r.ephemeral = true;
        r.volumeMounts = PodStatusBuilder.volumeMounts(e.getVolumeMounts());
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

  /**
   * Rewrites the pod's projected token files (renewed tokens) and updates its configMap, secret and
   * downwardAPI volumes, off the event loop; once its volumes exist.
   */
  void refreshVolumes() {
    if (volumes != null && !gone && !tornDown) {
      volumeSetup.refresh(pod, volumes, ip);
    }
  }

  @Override
  public Pod pod() {
    return pod;
  }

  public String podIp() {
    return ip;
  }

  /** The pod as this kubelet last received it (a copy), for the kubelet API's {@code /pods}. */
  public ObjectNode object() {
    return tree.deepCopy();
  }

  @Override
  public String uid() {
    return uid;
  }

  /** When the kubelet first started the pod (its {@code status.startTime}); null before. */
  public Instant startTime() {
    return startTime;
  }

  /** Whether the pod counts on the node: admitted, and its containers not stopped for its deletion. */
  boolean holdsResources() {
    return admitted && rejection == null && !gone && !termination.deleting() && !terminated();
  }

  /**
   * Whether the pod is over on the node without being deleted: terminal (its work done, or its phase made terminal
   * by another writer) and nothing of it runs or starts any more — kube's admission leaves such pods out
   * ({@code filterOutInactivePods}), while one still stopping counts.
   */
  private boolean terminated() {
    return (terminalPhase != null || finished()) && all().stream().noneMatch(c -> c.running != null || c.starting);
  }

  /** A newer version of the pod from the store. */
  void update(ObjectNode next) {
    if (StatusManager.rv(next) < StatusManager.rv(tree)) {
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
    termination.gone();
    requestSync();
  }

  /** A static pod's file was removed (or changed: a new pod replaces this one): it stops within its grace period. */
  void sourceRemoved() {
    sourceGone = true;
    requestSync();
  }

  /** A static pod's mirror pod as the store has it now (null: deleted); the status goes to it. */
  void mirror(ObjectNode current) {
    this.mirror = current;
    if (current != null && !ending()) {
      publish();
    }
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
    if (gone || sourceGone || tree.path("metadata").hasNonNull("deletionTimestamp")) {
      return terminate();
    }
    if (!admitted) {
      // kube's eviction admit handler comes first, then the sysctls' and the resources'
      String pressure = m.eviction == null ? null : m.eviction.admit(pod, critical());
      rejection = pressure == null ? Admission.sysctls(pod, m.sysctls)
          : new Admission.Rejection("Evicted", "Pod was rejected: " + pressure);
      if (rejection == null) {
        rejection = Admission.check(pod, m.admitted(this), m.config.cpu(), m.config.memory(), m.config.maxPods());
      }
      admitted = true;
      if (rejection != null) {
        LOG.info("pod {}/{} rejected on node {}: {}", namespace(), name(), m.config.nodeName(), rejection.message());
        // kube's rejectPod: the Event says why, the status adds "Pod was rejected: "
        event(null, WARNING, rejection.reason(), rejection.message().substring("Pod was rejected: ".length()));
      }
    }
    if (rejection != null) {
      publishRejected();
      return Future.succeededFuture();
    }
    String apiPhase = isStatic ? "" : tree.path("status").path("phase").asText("");
    if (terminalPhase != null || StatusMerge.terminal(apiPhase) && !finished()) {
      return stopTerminal(apiPhase);
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
      return volumeSetup.prepare(pod, ip, containers).compose(v -> {
        if (v == null) {
          return Future.succeededFuture(); // shown in the status, tried again
        }
        volumes = v;
        return runContainers();
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

  private String reservedOrNewIp() {
    String held = tree.path("status").path("podIP").asText("");
    return held.isEmpty() ? m.allocateIp(uid) : held;
  }

  private Future<Void> runContainers() {
    Instant now = Instant.now();
    if (finished()) {
      termination.stopSidecars();
      publishUnlessStarting();
      tearDown();
      return Future.succeededFuture();
    }
    String pullSecrets = PullSecrets.missing(pod, m.lookup);
    if (pullSecrets != null) {
      event(null, WARNING, PullSecrets.REASON, pullSecrets);
    }
    InitSequence.Plan plan = InitSequence.plan(inits, containers);
    for (ContainerRecord init : plan.start()) {
      if (due(init, now)) {
        starter.start(init);
      }
    }
    if (!plan.containers()) {
      publishUnlessStarting();
      return Future.succeededFuture();
    }
    // kube's SyncPod starts the containers one after another, in their order: each start (pull, create, start, the
    // postStart hook) ends before the next begins, so their events go container by container, and a container waits
    // for the postStart hook of the one before it; the start's end asks for the sync that starts the next
    if (containers.stream().noneMatch(c -> c.starting)) {
      for (ContainerRecord c : containers) {
        if (c.running == null && due(c, now)) {
          starter.start(c);
          if (c.starting) {
            break;
          }
        }
      }
    }
    // ephemeral containers join a running pod, once each
    boolean running = containers.stream().anyMatch(c -> c.running != null);
    for (ContainerRecord e : ephemerals) {
      if (running && e.running == null && !e.starting && e.terminated == null && due(e, now)) {
        starter.start(e);
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
      heldBack(c, now);
      retryAt(c.restartAt);
      return false;
    }
    if (c.endShown && c.heldBackAt != null) {
      // the sync that ends the back-off shows the CrashLoopBackOff its held-back predecessor cached, then starts
      c.endShown = false;
      publish();
    }
    return true;
  }

  /**
   * The restart of a run that ended is held back by its back-off: kube's sync caches CrashLoopBackOff as the reason,
   * which the status shows from the next sync on — the pod worker's, its back-off period (the initial back-off, 10 s)
   * after a sync that failed — so {@code kubectl get pods} says {@code OOMKilled} (the end) first and {@code CrashLoopBackOff} then.
   */
  private void heldBack(ContainerRecord c, Instant now) {
    if (!c.endShown) {
      return;
    }
    if (c.heldBackAt == null) {
      c.heldBackAt = now;
    }
    Instant next = c.heldBackAt.plus(m.backoff.initial());
    if (now.plusMillis(5).isBefore(next)) {
      retryAt(next);
    } else {
      c.endShown = false;
    }
  }

  /** Syncs again at {@code when}, unless a sync is due before (that one arms the next). */
  void retryAt(Instant when) {
    Instant now = Instant.now();
    if (retryWhen != null && retryWhen.isAfter(now) && !retryWhen.isAfter(when)) {
      return;
    }
    long ms = Math.max(1, Duration.between(now, when).toMillis());
    m.vertx.cancelTimer(retryTimer);
    retryWhen = when;
    retryTimer = m.vertx.setTimer(ms, t -> {
      retryWhen = null;
      requestSync();
    });
  }

  /** The pod's own name as kube's {@code format.Pod} writes it in messages: {@code name_namespace(uid)}. */
  String kubeName() {
    return name() + "_" + namespace() + "(" + uid + ")";
  }

  /** Whether the pod is being stopped or is gone: nothing starts or restarts any more. */
  boolean ending() {
    return terminating || gone || sourceGone || terminalPhase != null;
  }

  Map<String, Path> volumes() {
    return volumes;
  }

  Path podDir() {
    return podDir;
  }

  /**
   * kube's eviction of the pod by the node's eviction manager ({@code evictPod}, {@code killPodNow}): an {@code Evicted}
   * Warning Event with {@code message}, its running containers stopped within {@code graceSeconds} (Killing
   * "Stopping container ..."), none started again, then its status Failed with reason {@code Evicted}, the message and
   * kube's {@code DisruptionTarget} condition ({@code TerminationByKubelet}). The pod stays in the API (its controller
   * replaces it). Completes once its containers stopped; nothing happens to a pod already ending.
   */
  @Override
  public Future<Void> evict(String message, long graceSeconds) {
    if (ending()) {
      return Future.succeededFuture();
    }
    evicted = message;
    terminalPhase = "Failed";
    LOG.info("pod {}/{} evicted on node {}: {}", namespace(), name(), m.config.nodeName(), message);
    event(null, WARNING, "Evicted", message);
    m.vertx.cancelTimer(retryTimer);
    m.vertx.cancelTimer(startingTimer);
    prober.stopAll();
    return termination.stopContainers(graceSeconds).onComplete(ar -> {
      terminalStopped = true;
      publishTerminal();
      tearDown();
    });
  }

  /** kube's {@code IsCriticalPod}: a static or mirror pod, or one of priority 2000000000 or more. */
  @Override
  public boolean critical() {
    Integer priority = pod.getSpec().getPriority();
    return isStatic || StaticPodFile.isMirror(tree) || priority != null && priority >= 2_000_000_000;
  }

  /** Whether the eviction manager may consider the pod (kube's active pods): admitted, running, not ending. */
  public boolean active() {
    return holdsResources() && !ending();
  }

  @Override
  public io.dekube.kubelet.eviction.NodeSignals.Containers containers() {
    return new io.dekube.kubelet.eviction.NodeSignals.Containers(uid, running().stream()
        .map(c -> new io.dekube.kubelet.eviction.NodeSignals.Container(c.name(), c.running()::usage, c.logFile()))
        .toList());
  }

  /**
   * The pod's phase is terminal in the API though its work is not over here: another writer set it ({@code kubectl
   * patch --subresource=status}, a controller). As kube's kubelet, the phase stays, the status says so at once (Ready
   * and ContainersReady False, {@code PodFailed}/{@code PodCompleted}), the running containers are stopped as for a
   * termination — preStop hooks, the pod's grace period, sidecars last — and none starts again whatever the restart
   * policy; then the status is the terminal one ({@code TerminatePod}). The pod is not deleted: it stays until someone
   * deletes it. Later syncs only publish that status.
   */
  private Future<Void> stopTerminal(String apiPhase) {
    if (terminalPhase != null) {
      if (terminalStopped) {
        publishTerminal();
      } else {
        publish();
      }
      return Future.succeededFuture();
    }
    terminalPhase = apiPhase;
    LOG.info("pod {}/{} is {} in the API: its containers stop", namespace(), name(), apiPhase);
    m.vertx.cancelTimer(retryTimer);
    m.vertx.cancelTimer(startingTimer);
    prober.stopAll();
    publish();
    termination.stopContainers(grace()).onComplete(ar -> {
      terminalStopped = true;
      publishTerminal();
      tearDown();
    });
    return Future.succeededFuture();
  }

  /**
   * A pod whose work is over and whose containers all stopped is torn down as kube's kubelet tears down a terminated
   * pod that is not deleted yet: SyncTerminatingPod stops its sandbox — its IP goes back to the node's pool, where a
   * new pod may get it, while its status keeps showing it, as kube's does — and SyncTerminatedPod waits for the
   * volume manager to unmount its volumes: no more refreshes, the pod's own folders (emptyDir, configMap, secret,
   * downwardAPI, projected, subPath pins) removed, a claim's or a hostPath's data left where it is. Its logs stay until
   * it is deleted. Once.
   */
  private void tearDown() {
    if (tornDown || all().stream().anyMatch(c -> c.running != null || c.starting)) {
      return;
    }
    tornDown = true;
    LOG.info("pod {}/{} terminated on node {}: its IP {} and volumes released", namespace(), name(),
        m.config.nodeName(), ip);
    m.releaseIp(uid);
    Path dir = podDir;
    m.vertx.executeBlocking(() -> {
      PodTermination.deleteTree(dir.resolve("volumes"));
      PodTermination.deleteTree(dir.resolve("volume-subpaths"));
      return null;
    }, false).onFailure(e -> LOG.warn("pod {}/{}: tearing down its volumes failed: {}", namespace(), name(),
        e.toString()));
  }

  /** Stops the pod's containers, then deletes it for good ({@link PodTermination}); once. */
  private Future<Void> terminate() {
    if (terminating) {
      return Future.succeededFuture();
    }
    terminating = true;
    m.vertx.cancelTimer(retryTimer);
    m.vertx.cancelTimer(startingTimer);
    prober.stopAll();
    return termination.run(gone, sourceGone);
  }

  /** The node is powered off: containers end, nothing is written. */
  Future<Void> powerOff() {
    gone = true;
    terminating = true;
    m.vertx.cancelTimer(retryTimer);
    m.vertx.cancelTimer(startingTimer);
    prober.stopAll();
    return termination.powerOff();
  }

  /**
   * The runtime found the pod's sandbox dead: as kube's kubelet, a {@code SandboxChanged} Event, every running
   * container killed ({@code Stopping container c}, the pod's grace), and, per the restart policy, started again in a
   * new sandbox (their restart counts go up).
   */
  void sandboxChanged() {
    if (ending()) {
      return;
    }
    LOG.info("pod {}/{}: its sandbox died, it will be made again", namespace(), name());
    event(null, NORMAL, "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
    all().stream().filter(c -> c.running != null && !c.killing)
        .forEach(c -> killContainer(c, grace(), "Stopping container " + c.name));
  }

  /**
   * Kills a running container as kube's {@code killContainer} does (see {@link ContainerKill}): a
   * Killing Event with {@code message}, its preStop hook (FailedPreStopHook when it fails), then the stop.
   */
  Future<Integer> killContainer(ContainerRecord rec, long graceSeconds, String message) {
    return killContainer(rec, graceSeconds, message, Future.succeededFuture());
  }

  /** As above, the stop (not the preStop hook) waiting for {@code turn} within the grace period. */
  Future<Integer> killContainer(ContainerRecord rec, long graceSeconds, String message, Future<?> turn) {
    event(rec, NORMAL, "Killing", message);
    rec.killing = true;
    return killer.kill(rec.running, container(rec), graceSeconds, kubeName(), ip, failure -> {
      LOG.info("pod {}/{}: preStop hook of container {} failed: {}", namespace(), name(), rec.name, failure);
      event(rec, WARNING, "FailedPreStopHook", "PreStopHook failed");
    }, turn);
  }

  /**
   * A probe asks for a container's restart (liveness or startup failure), within the probe's
   * {@code terminationGracePeriodSeconds} when it has one (kube's {@code setTerminationGracePeriod}).
   */
  public void kill(String container, int gen, String why, Long probeGrace) {
    ContainerRecord rec = record(container);
    if (rec == null || rec.generation != gen || rec.running == null || rec.killing || ending()) {
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
    if (started != null) {
      requestSync(); // a started sidecar lets the next init container start
    } else {
      publish();
    }
  }

  private PodStatusBuilder.Input input() {
    return new PodStatusBuilder.Input(inits, containers, restartPolicy(), ip, m.config.nodeIp(), startTime,
        tree.path("metadata").hasNonNull("deletionTimestamp"), ephemerals, terminalPhase);
  }

  /** Whether the pod's work is over (restart policy Never or OnFailure): its sidecars stop, nothing restarts. */
  boolean finished() {
    return PodStatusBuilder.finished(input());
  }

  /** The pod's sidecars, in their declared order. */
  List<ContainerRecord> sidecars() {
    return inits.stream().filter(c -> c.sidecar).toList();
  }

  void publish() {
    publish(false);
  }

  /** Publishes the terminal status of a pod whose containers stopped for its deletion (kube's TerminatePod). */
  void publishTerminal() {
    publish(true);
  }

  private void publish(boolean terminal) {
    if (gone || evicted != null && !terminal) {
      return; // as kube's status manager, an evicted pod's phase changes once its containers stopped, with its reason
    }
    ObjectNode target = statusTarget();
    if (target == null) {
      return;
    }
    String key = target.path("metadata").path("uid").asText(uid);
    PodStatusBuilder.Input in = input();
    var previous = m.status.lastSent(key) != null ? m.status.lastSent(key) : target.path("status");
    Instant now = Instant.now();
    ObjectNode status = PodStatusBuilder.build(in, previous, now);
    if (terminal) {
      StatusMerge.terminal(status, terminalPhase, now);
      if (evicted != null) {
        StatusMerge.evicted(status, evicted, now);
      }
    }
    StatusMerge.keepForeignConditions(status, target.path("status"));
    m.status.set(key, target, ReadinessGates.apply(status, pod.getSpec().getReadinessGates(), previous, now));
  }

  /**
   * Where the pod's status is written: the pod itself, or a static pod's mirror pod (kube's status manager
   * translates a static pod's uid to its mirror's); null while a static pod has no mirror pod, or its mirror
   * is being deleted.
   */
  private ObjectNode statusTarget() {
    if (!isStatic) {
      return tree;
    }
    return mirror == null || mirror.path("metadata").hasNonNull("deletionTimestamp") ? null : mirror;
  }

  private void publishRejected() {
    ObjectNode status = io.dekube.core.model.Json.object().put("phase", "Failed").put("reason", rejection.reason())
        .put("message", rejection.message());
    if (startTime == null) {
      startTime = Instant.now();
    }
    status.put("startTime", PodStatusBuilder.time(startTime));
    ObjectNode target = statusTarget();
    if (target != null) {
      m.status.set(target.path("metadata").path("uid").asText(uid), target, status);
    }
  }

  void event(ContainerRecord rec, String type, String reason, String message) {
    m.events.pod(pod, rec, type, reason, message);
  }

  long grace() {
    Long g = pod.getMetadata().getDeletionGracePeriodSeconds();
    if (g == null) {
      g = pod.getSpec().getTerminationGracePeriodSeconds();
    }
    return g == null ? 30 : Math.max(0, g);
  }

  String restartPolicy() {
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

  List<ContainerRecord> all() {
    List<ContainerRecord> l = new ArrayList<>(inits);
    l.addAll(containers);
    l.addAll(ephemerals);
    return l;
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
