package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Typed;
import io.dekube.core.store.StoreApi;
import io.dekube.kubelet.KubeletConfig;
import io.dekube.kubelet.runtime.ContainerRuntime;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods of one node: one {@link PodWorker} per pod (by uid), created when a pod bound to this
 * node appears and dropped once it is gone. Holds what the workers share: the runtime, the status
 * manager, the pod IP allocator and the back-off. Confined to the kubelet's context.
 */
public final class PodManager implements PodRouter.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(PodManager.class);

  final Vertx vertx;
  final io.vertx.core.Context context;
  final KubeletConfig config;
  final ContainerRuntime runtime;
  final StoreApi store;
  final EnvBuilder.Lookup lookup;
  final StatusManager status;
  final PodIpAllocator ips;
  final BackOff backoff;
  final PodEvents events;
  /**
   * kube's {@code kubelet_lifecycle_handler_http_fallbacks_total}: HTTPS lifecycle hooks that succeeded over HTTP. One
   * process serves several nodes' metrics here, so it carries a {@code node} label kube's has not.
   */
  final io.micrometer.core.instrument.Counter httpFallbacks;
  /** The sysctls pods may set here: the safe ones and the node's {@code allowedUnsafeSysctls}. */
  final io.dekube.core.net.Sysctls sysctls;
  private final Supplier<String> podCidr;
  private final Map<String, PodWorker> workers = new HashMap<>();
  private boolean stopped;
  /** The RuntimeClasses by name (none until {@link #withRuntimeClasses}), for the handler of a pod's class. */
  java.util.function.Function<String, ObjectNode> runtimeClasses = name -> null;
  /** Where projected service account tokens come from ({@link Volumes#NO_TOKENS} until a signer is set). */
  Volumes.TokenSource tokens = Volumes.NO_TOKENS;
  private io.dekube.kubelet.token.TokenManager tokenManager;
  private long tokenTimer = -1;
  /** The node's eviction manager (null: none, as on simulated nodes), which admits pods first. */
  io.dekube.kubelet.eviction.EvictionManager eviction;
  /** The node's static pods (null: no {@code staticPodPath}). */
  private StaticPods statics;

  public PodManager(Vertx vertx, KubeletConfig config, ContainerRuntime runtime, StoreApi store,
                    EnvBuilder.Lookup lookup, Supplier<String> podCidr) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.config = config;
    this.runtime = runtime;
    this.store = store;
    this.lookup = lookup;
    this.podCidr = podCidr;
    this.status = new StatusManager(vertx, store);
    this.ips = new PodIpAllocator(podCidr.get());
    this.backoff = new BackOff(config.backoffInitial(), config.backoffMax());
    this.sysctls = io.dekube.core.net.Sysctls.allowing(config.allowedUnsafeSysctls());
    this.events = new PodEvents(store, config.nodeName(), !"simulated".equals(config.runtime()));
    this.httpFallbacks = io.micrometer.core.instrument.Counter.builder("kubelet_lifecycle_handler_http_fallbacks")
        .description("The number of times lifecycle handlers successfully fell back to http from https.")
        .tag("node", config.nodeName()).register(io.dekube.core.metrics.Metrics.registry());
    runtime.onSandboxChanged(uid -> context.runOnContext(v -> {
      PodWorker w = workers.get(uid);
      if (w != null) {
        w.sandboxChanged();
      }
    }));
  }

  @Override
  public void onPod(ObjectNode tree, boolean deleted) {
    if (stopped) {
      return;
    }
    if (StaticPodFile.isMirror(tree)) {
      if (statics != null) {
        statics.onMirror(tree, deleted); // a mirror pod runs nothing: its static pod runs from its file
      }
      return;
    }
    String uid = tree.path("metadata").path("uid").asText("");
    PodWorker w = workers.get(uid);
    if (deleted) {
      if (w != null) {
        w.removed();
      }
      return;
    }
    if (w == null) {
      if (tree.path("status").path("phase").asText("").matches("Succeeded|Failed")
          && !tree.path("metadata").hasNonNull("deletionTimestamp")) {
        return; // a finished pod: nothing left to run
      }
      Pod pod;
      try {
        pod = Typed.from(tree, Pod.class);
      } catch (IllegalArgumentException e) {
        LOG.warn("node {}: cannot read pod {}: {}", config.nodeName(), uid, e.getMessage());
        return;
      }
      w = new PodWorker(this, pod, tree);
      workers.put(uid, w);
      reserveIp(tree, uid);
    }
    w.update(tree);
  }

  /**
   * Runs the static pods of {@code folder} (the kubelet's {@code staticPodPath}) and {@code url} (its
   * {@code staticPodURL}; either may be null), with mirror pods owned by the Node {@code node} gives. Call on the
   * manager's context once the Node is registered.
   */
  public void withStaticPods(java.nio.file.Path folder, io.dekube.kubelet.ManifestUrl url, Supplier<ObjectNode> node) {
    statics = new StaticPods(this, folder, url, node);
    statics.start();
  }

  /** A static pod appeared in the folder: it runs under its own uid, as a pod from the API would. */
  void staticAdded(ObjectNode tree) {
    PodWorker running = workers.get(tree.path("metadata").path("uid").asText());
    if (stopped || running != null && !running.ending()) {
      return;
    }
    if (running != null) {
      // the same manifest back while its last run still stops (moved out and in again): it starts once that is over
      vertx.setTimer(100, t -> context.runOnContext(v -> {
        if (statics != null && statics.wants(running.uid())) {
          staticAdded(tree);
        }
      }));
      return;
    }
    PodWorker w = new PodWorker(this, Typed.from(tree, Pod.class), tree);
    workers.put(w.uid(), w);
    w.update(tree);
  }

  /** A static pod's file went away (or changed): the pod stops. */
  void staticRemoved(String uid) {
    PodWorker w = workers.get(uid);
    if (w != null) {
      w.sourceRemoved();
    }
  }

  /** The mirror pod of the static pod {@code uid} now (null: none that matches it). */
  void mirrorOf(String uid, ObjectNode mirror) {
    PodWorker w = workers.get(uid);
    if (w != null) {
      w.mirror(mirror);
    }
  }

  private void reserveIp(ObjectNode tree, String uid) {
    String ip = tree.path("status").path("podIP").asText("");
    if (!ip.isEmpty() && !ip.equals(config.nodeIp())) {
      ips.reserve(uid, ip);
    }
  }

  /** A terminated pod's sandbox is gone: its IP goes back to the pool (its status still shows it). */
  void releaseIp(String uid) {
    runtime.podRemoved(uid); // its sandbox, where the runtime keeps one, holds that IP: it goes first
    ips.release(uid);
  }

  /** The next pod IP (null when the CIDR is full), from the node's current pod CIDR. */
  String allocateIp(String uid) {
    ips.setCidr(podCidr.get());
    return ips.allocate(uid);
  }

  /**
   * Looks up the RuntimeClass of a pod with a {@code runtimeClassName} in {@code classes}: its handler
   * must be this node's runtime. Call before pods arrive.
   */
  public void withRuntimeClasses(java.util.function.Function<String, ObjectNode> classes) {
    this.runtimeClasses = classes;
  }

  /**
   * Gives the pods real service account tokens from {@code manager} and rewrites every pod's token
   * files each {@code refresh} (the manager renews a token once 80 % of its life has passed), bringing its
   * configMap, secret and downwardAPI volumes up to date at the same time (kube's periodic sync). Call
   * on the manager's context before pods arrive.
   */
  public void withTokens(io.dekube.kubelet.token.TokenManager manager, java.time.Duration refresh) {
    this.tokenManager = manager;
    this.tokens = (pod, projection) -> {
      try {
        return manager.token(pod, projection);
      } catch (IllegalStateException e) {
        LOG.debug("node {}: no token for pod {}/{} yet: {}", config.nodeName(), pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(), e.getMessage());
        return "";
      }
    };
    tokenTimer = vertx.setPeriodic(refresh.toMillis(), t -> workers.values().forEach(PodWorker::refreshVolumes));
  }

  /** A worker's pod is over; nothing is done when a newer worker of the same uid replaced it (a static pod re-added). */
  void gone(PodWorker w) {
    String uid = w.uid();
    if (workers.get(uid) != w) {
      return;
    }
    if (tokenManager != null) {
      tokenManager.forget(uid);
    }
    workers.remove(uid);
    runtime.podRemoved(uid); // its sandbox, where the runtime keeps one
    ips.release(uid);
    status.forget(uid);
  }

  /** Pods admitted before {@code self} and still holding resources. */
  Collection<Pod> admitted(PodWorker self) {
    List<Pod> pods = new ArrayList<>();
    workers.values().forEach(w -> {
      if (w != self && w.holdsResources()) {
        pods.add(w.pod());
      }
    });
    return pods;
  }

  /** The worker of a pod, by namespace and name (kubelet API). */
  public Optional<PodWorker> worker(String namespace, String name) {
    return workers.values().stream().filter(w -> w.namespace().equals(namespace) && w.name().equals(name))
        .findFirst();
  }

  /** Admits new pods through {@code manager} first (kube's eviction admit handler). Call before pods arrive. */
  public void withEviction(io.dekube.kubelet.eviction.EvictionManager manager) {
    this.eviction = manager;
  }

  /** The pods the eviction manager may evict (kube's active pods), on the kubelet's context. */
  public List<io.dekube.kubelet.eviction.EvictionManager.Candidate> evictable() {
    List<io.dekube.kubelet.eviction.EvictionManager.Candidate> out = new ArrayList<>();
    workers.values().forEach(w -> {
      if (w.active()) {
        out.add(w);
      }
    });
    return out;
  }

  /** Every pod worker now (on the kubelet's context). */
  public List<PodWorker> workers() {
    return List.copyOf(workers.values());
  }

  /** The node's event writer (pods and the Node). */
  public PodEvents events() {
    return events;
  }

  public int size() {
    return workers.size();
  }

  /** The node stops (a powered-off machine): containers end, nothing is written. */
  public Future<Void> stop() {
    stopped = true;
    status.stop();
    if (statics != null) {
      statics.stop();
    }
    if (tokenTimer >= 0) {
      vertx.cancelTimer(tokenTimer);
    }
    List<Future<Void>> all = new ArrayList<>();
    workers.values().forEach(w -> all.add(w.powerOff()));
    workers.clear();
    return Future.join(all).mapEmpty();
  }
}
