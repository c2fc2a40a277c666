package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's kubelet status manager ({@code pkg/kubelet/status/status_manager.go}). It caches the status the
 * kubelet wants for each pod, versioned, and syncs a pod when that status changed or the API's pod did: it
 * merges the wanted status over the API's ({@link StatusMerge#merge}: the conditions the kubelet does not own
 * and the fields it never sets stay the API's, a terminal phase stays) and writes the difference as a strategic
 * merge patch of {@code pods/<name>/status} with the pod's uid as precondition ({@link StatusPatch}, kube's
 * {@code PatchPodStatus}), so what another writer set meanwhile — a readiness gate's condition, a
 * DisruptionTarget — is not undone; nothing is written when the patch is empty.
 *
 * <p>The API's pod is the newest the kubelet knows — the informer's, or the answer to its own last write,
 * whichever has the higher resourceVersion — where kube GETs it before each write: the patch names only what
 * the kubelet changes, so a pod a little behind the store cannot undo another writer's fields, and dekube saves
 * a round trip on the bus per write. A pod deleted and re-created under the same name fails the uid
 * precondition (409) and its old status is dropped, as kube's "Pod was deleted and then recreated, skipping
 * status update". One write per pod in flight; a write that fails for a passing reason ({@link StoreRetry}) is
 * tried again with back-off with the newest status. Confined to the kubelet's context.
 */
public final class StatusManager {

  private static final Logger LOG = LoggerFactory.getLogger(StatusManager.class);
  static final ResourceType PODS = ResourceRegistry.builtIn().byResourceName("pods").orElseThrow();

  /** One pod's cached status and what is known of its API pod. */
  private static final class Entry {
    /** The status as the pod worker built it (its transition times are the next build's previous). */
    ObjectNode built;
    /** The status the kubelet wants, typed; null until set. */
    PodStatus status;
    long version;
    /** The version written (or found written), and the API pod's resourceVersion then. */
    long syncedVersion;
    long syncedRv = -1;
    /** The newest pod the kubelet knows the API has. */
    ObjectNode api;
    /** The status the kubelet last wrote, typed, and the resourceVersion of the pod the store answered with it. */
    PodStatus written;
    long writtenRv = -1;
    boolean inFlight;
    int failures;
    long timer = -1;
  }

  private final Vertx vertx;
  private final StoreApi store;
  private final Map<String, Entry> pods = new HashMap<>();
  private volatile long writes;
  private boolean stopped;

  public StatusManager(Vertx vertx, StoreApi store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** The last status set for a pod, else null. */
  public JsonNode lastSent(String uid) {
    Entry e = pods.get(uid);
    return e == null ? null : e.built;
  }

  /** The status writes sent so far (patches; empty ones are not sent). */
  public long writes() {
    return writes;
  }

  /**
   * Sets a pod's status; {@code stored} is the pod (or a static pod's mirror pod) as last seen in the store. A
   * status equal to the cached one as far as the kubelet writes it ({@link StatusMerge#equalByKubelet}) is
   * only written when the API's pod changed meanwhile.
   */
  public void set(String uid, ObjectNode stored, ObjectNode status) {
    if (stopped) {
      return;
    }
    Entry e = pods.computeIfAbsent(uid, k -> new Entry());
    observe(e, stored);
    if (status.equals(e.built)) {
      sync(uid, e); // the same status (a pod update woke the worker): written only if the API's pod changed
      return;
    }
    PodStatus next = Typed.from(status, PodStatus.class);
    if (StatusMerge.keepTerminalPhase(e.status, next)) {
      LOG.info("pod {}: status manager phase was terminal, phase stays {}", name(stored), next.getPhase());
      status.put("phase", next.getPhase());
    }
    if (e.status == null || !StatusMerge.equalByKubelet(e.status, next)) {
      e.built = status;
      e.status = next;
      e.version++;
    }
    sync(uid, e);
  }

  /** Keeps the newer of the known API pod and {@code pod}. */
  private static void observe(Entry e, ObjectNode pod) {
    if (e.api == null || rv(pod) >= rv(e.api)) {
      e.api = pod;
    }
  }

  /** Writes the pod's status when it is not known to be written over the API pod as it is now. */
  private void sync(String uid, Entry e) {
    if (stopped || e.inFlight || e.timer != -1 || e.status == null
        || e.syncedVersion == e.version && e.syncedRv == rv(e.api)) {
      return;
    }
    ObjectNode api = e.api;
    long version = e.version;
    if (!uid.equals(api.path("metadata").path("uid").asText())) {
      LOG.debug("pod {} was deleted and then recreated, skipping status update", name(api));
      forget(uid);
      return;
    }
    // the API's status typed (merged in place): what the kubelet wrote when the store answered with exactly that
    PodStatus current = e.writtenRv == rv(api) ? e.written
        : Typed.from(api.path("status") instanceof ObjectNode o ? o : Json.object(), PodStatus.class);
    e.written = null;
    e.writtenRv = -1;
    PodStatus merged = StatusMerge.merge(current, e.status, Instant.now());
    ObjectNode mergedTree = Typed.tree(merged);
    ObjectNode patch = StatusPatch.create(api.path("status"), mergedTree, uid);
    if (StatusPatch.unchanged(patch)) {
      e.syncedVersion = version;
      e.syncedRv = rv(api);
      return;
    }
    e.inFlight = true;
    writes++;
    String ns = api.path("metadata").path("namespace").asText();
    String name = api.path("metadata").path("name").asText();
    store.patch(PODS, ns, name, Patches.STRATEGIC_MERGE, patch, WriteOptions.none().withSubresource("status")
        .withUid(uid)).onComplete(ar -> {
          e.inFlight = false;
          if (stopped || pods.get(uid) != e) {
            return; // stopped or forgotten meanwhile
          }
          if (ar.succeeded()) {
            e.failures = 0;
            observe(e, ar.result());
            if (mergedTree.equals(ar.result().path("status"))) {
              e.written = merged;
              e.writtenRv = rv(ar.result());
            }
            e.syncedVersion = version;
            e.syncedRv = rv(e.api);
          } else if (ar.cause() instanceof StatusException se && (se.code() == 404 || se.code() == 409)) {
            forget(uid); // the pod is gone, or another pod holds its name
            return;
          } else if (StoreRetry.passing(ar.cause())) {
            retry(uid, e, ar.cause(), ns + "/" + name);
            return;
          } else {
            LOG.warn("status of pod {}/{} not written: {}", ns, name, ar.cause().getMessage());
            e.failures = 0;
            e.syncedVersion = version; // not again until the status or the pod changes
            e.syncedRv = rv(e.api);
          }
          sync(uid, e);
        });
  }

  /** Syncs the pod again after the back-off (with whatever status is newest then). */
  private void retry(String uid, Entry e, Throwable cause, String name) {
    int n = ++e.failures;
    Duration wait = StoreRetry.delay(cause, n, StoreRetry.FIRST, StoreRetry.MAX);
    if (n == 1) {
      LOG.info("status of pod {} not written, trying again in {} ms: {}", name, wait.toMillis(), cause.getMessage());
    } else {
      LOG.debug("status of pod {} not written ({} tries), trying again in {} ms: {}", name, n, wait.toMillis(),
          cause.getMessage());
    }
    e.timer = vertx.setTimer(Math.max(1, wait.toMillis()), t -> {
      e.timer = -1;
      sync(uid, e);
    });
  }

  private static String name(JsonNode pod) {
    return pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText();
  }

  /** A pod's resourceVersion as a number (0 when it has none). */
  static long rv(JsonNode pod) {
    try {
      return Long.parseLong(pod.path("metadata").path("resourceVersion").asText("0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Forgets a pod (it is gone). */
  public void forget(String uid) {
    Entry e = pods.remove(uid);
    if (e != null && e.timer != -1) {
      vertx.cancelTimer(e.timer);
    }
  }

  /** The kubelet stops: nothing more is written. */
  public void stop() {
    stopped = true;
    pods.values().stream().filter(e -> e.timer != -1).forEach(e -> vertx.cancelTimer(e.timer));
    pods.clear();
  }
}
