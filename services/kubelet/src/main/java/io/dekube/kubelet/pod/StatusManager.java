package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes pod statuses through the store's status subresource, only when they change, at most
 * one write per pod in flight (a newer status waits for it and replaces any older waiting one).
 * A write that fails for a passing reason ({@link StoreRetry}: 503 while the bus is down, 5xx, 408,
 * 429) is tried again with back-off until it goes through — unless a newer status replaced it — as
 * kube's status manager re-syncs the statuses it could not write; otherwise a stable pod's last
 * status (Ready, Succeeded…) would never reach the store. Confined to the kubelet's context.
 */
public final class StatusManager {

  private static final Logger LOG = LoggerFactory.getLogger(StatusManager.class);
  static final ResourceType PODS = ResourceRegistry.builtIn().byResourceName("pods").orElseThrow();

  private final Vertx vertx;
  private final StoreApi store;
  private final Map<String, JsonNode> sent = new HashMap<>();
  private final Map<String, ObjectNode> waiting = new HashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Map<String, Integer> failures = new HashMap<>();
  private final Map<String, Long> retryTimers = new HashMap<>();
  private boolean stopped;

  public StatusManager(Vertx vertx, StoreApi store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** The last status written (or being written) for a pod, else null. */
  public JsonNode lastSent(String uid) {
    return sent.get(uid);
  }

  /** Sets a pod's status; {@code stored} is the pod as last seen in the store. Nothing is written when unchanged. */
  public void set(String uid, ObjectNode stored, ObjectNode status) {
    JsonNode known = sent.containsKey(uid) ? sent.get(uid) : stored.path("status");
    if (stopped || status.equals(known)) {
      return;
    }
    sent.put(uid, status);
    ObjectNode pod = stored.deepCopy();
    pod.set("status", status);
    ((ObjectNode) pod.path("metadata")).remove("resourceVersion");
    waiting.put(uid, pod);
    if (!inFlight.contains(uid) && !retryTimers.containsKey(uid)) {
      writeNext(uid);
    }
  }

  /** Writes the pod's waiting status, if any. */
  private void writeNext(String uid) {
    retryTimers.remove(uid);
    ObjectNode pod = waiting.remove(uid);
    if (pod == null || stopped) {
      return;
    }
    inFlight.add(uid);
    store.updateStatus(PODS, pod, WriteOptions.none().withUid(uid)).onComplete(ar -> {
      inFlight.remove(uid);
      if (stopped) {
        return;
      }
      if (ar.succeeded()) {
        failures.remove(uid);
      } else if (ar.cause() instanceof StatusException se && (se.code() == 404 || se.code() == 409)) {
        forget(uid); // the pod is gone, or another pod holds its name
        return;
      } else if (StoreRetry.passing(ar.cause())) {
        if (sent.containsKey(uid)) { // not forgotten meanwhile
          retry(uid, pod, ar.cause());
        }
        return;
      } else {
        LOG.warn("status of pod {} not written: {}", name(pod), ar.cause().getMessage());
        failures.remove(uid);
        sent.remove(uid);
      }
      writeNext(uid);
    });
  }

  /** Tries the failed status again after the back-off, or the newer one set meanwhile. */
  private void retry(String uid, ObjectNode failed, Throwable cause) {
    int n = failures.merge(uid, 1, Integer::sum);
    waiting.putIfAbsent(uid, failed);
    Duration wait = StoreRetry.delay(cause, n, StoreRetry.FIRST, StoreRetry.MAX);
    if (n == 1) {
      LOG.info("status of pod {} not written, trying again in {} ms: {}", name(failed), wait.toMillis(),
          cause.getMessage());
    } else {
      LOG.debug("status of pod {} not written ({} tries), trying again in {} ms: {}", name(failed), n,
          wait.toMillis(), cause.getMessage());
    }
    retryTimers.put(uid, vertx.setTimer(Math.max(1, wait.toMillis()), t -> writeNext(uid)));
  }

  private static String name(ObjectNode pod) {
    return pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText();
  }

  /** Forgets a pod (it is gone). */
  public void forget(String uid) {
    sent.remove(uid);
    waiting.remove(uid);
    failures.remove(uid);
    Long timer = retryTimers.remove(uid);
    if (timer != null) {
      vertx.cancelTimer(timer);
    }
  }

  /** The kubelet stops: nothing more is written. */
  public void stop() {
    stopped = true;
    retryTimers.values().forEach(vertx::cancelTimer);
    retryTimers.clear();
    waiting.clear();
  }
}
