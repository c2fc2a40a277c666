package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes pod statuses through the store's status subresource, only when they change, at most
 * one write per pod in flight (a newer status waits for it and replaces any older waiting one).
 * Confined to the kubelet's context.
 */
public final class StatusManager {

  private static final Logger LOG = LoggerFactory.getLogger(StatusManager.class);
  static final ResourceType PODS = ResourceRegistry.builtIn().byResourceName("pods").orElseThrow();

  private final StoreClient store;
  private final Map<String, JsonNode> sent = new HashMap<>();
  private final Map<String, ObjectNode> pending = new HashMap<>();
  private final Map<String, Boolean> inFlight = new HashMap<>();

  public StatusManager(StoreClient store) {
    this.store = store;
  }

  /** The last status written (or being written) for a pod, else null. */
  public JsonNode lastSent(String uid) {
    return sent.get(uid);
  }

  /** Sets a pod's status; {@code stored} is the pod as last seen in the store. Nothing is written when unchanged. */
  public void set(String uid, ObjectNode stored, ObjectNode status) {
    JsonNode known = sent.containsKey(uid) ? sent.get(uid) : stored.path("status");
    if (status.equals(known)) {
      return;
    }
    sent.put(uid, status);
    ObjectNode pod = stored.deepCopy();
    pod.set("status", status);
    if (inFlight.containsKey(uid)) {
      pending.put(uid, pod);
      return;
    }
    write(uid, pod);
  }

  private void write(String uid, ObjectNode pod) {
    inFlight.put(uid, true);
    ObjectNode copy = pod;
    ((ObjectNode) copy.path("metadata")).remove("resourceVersion");
    store.updateStatus(PODS, copy, WriteOptions.none().withUid(uid)).onComplete(ar -> {
      inFlight.remove(uid);
      if (ar.failed()) {
        if (ar.cause() instanceof StatusException se && (se.code() == 404 || se.code() == 409)) {
          forget(uid);
          return;
        }
        LOG.warn("status of pod {}/{} not written: {}", copy.path("metadata").path("namespace").asText(),
            copy.path("metadata").path("name").asText(), ar.cause().getMessage());
        sent.remove(uid);
      }
      ObjectNode next = pending.remove(uid);
      if (next != null) {
        write(uid, next);
      }
    });
  }

  /** Forgets a pod (it is gone). */
  public void forget(String uid) {
    sent.remove(uid);
    pending.remove(uid);
  }
}
