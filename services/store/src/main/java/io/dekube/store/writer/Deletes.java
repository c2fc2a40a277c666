package io.dekube.store.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;

/**
 * Delete as Kubernetes does it: an object with finalizers (including the garbage collector's
 * {@code orphan} / {@code foregroundDeletion}, added for those propagation policies, Orphan being a
 * ReplicationController's default) is updated with
 * deletionTimestamp and deletionGracePeriodSeconds; one without is removed by a tombstone (carrying
 * its uid). Pods are deleted gracefully as kube-apiserver's pod strategy does: a pod bound to a node
 * and not finished gets deletionTimestamp = now + its grace period (the request's, else
 * {@code spec.terminationGracePeriodSeconds}, else 30 s), and its kubelet deletes it for good with a
 * grace period of 0 once its containers stopped; a shorter grace period moves the deadline closer (a
 * pod its finalizers keep gets grace 0 from that final delete, and goes once they are gone).
 * The reply is the object as deleted, or as marked. Loop-thread confined.
 */
final class Deletes {

  static final String ORPHAN = "orphan";
  static final String FOREGROUND = "foregroundDeletion";

  private final WriteSupport support;

  Deletes(WriteSupport support) {
    this.support = support;
  }

  Outcome delete(ParsedRequest req, BatchOverlay view) {
    ResourceType type = req.type();
    String key = WriteSupport.key(req, null);
    Versioned current = view.get(type, key);
    if (current == null) {
      throw StatusException.notFound(type, ObjectKey.parse(key).name());
    }
    WriteSupport.checkPreconditions(type, ObjectKey.parse(key).name(), current, req.options(), null);
    ObjectNode next = current.object().deepCopy();
    boolean wasDeleting = WriteSupport.deleting(next);
    if (!wasDeleting) {
      addPolicyFinalizer(next, propagationPolicy(type, req.options().propagationPolicy()));
    }
    boolean dryRun = req.options().dryRun();
    long podGrace = podGracePeriod(type, next, req.options().gracePeriodSeconds());
    if (WriteSupport.hasFinalizers(next) || podGrace > 0) {
      boolean shorter = podGrace >= 0 && podGrace < next.path("metadata").path("deletionGracePeriodSeconds")
          .asLong(Long.MAX_VALUE);
      if (wasDeleting && !shorter) {
        return Outcome.ok(200, null, current::withRv); // already being deleted: nothing changes
      }
      long grace = podGrace >= 0 ? podGrace
          : req.options().gracePeriodSeconds() == null ? 0 : Math.max(0, req.options().gracePeriodSeconds());
      if (wasDeleting) {
        ServerFields.shortenGrace(next, grace); // e.g. the kubelet's final delete of a pod a finalizer keeps
      } else {
        support.fields.markDeleting(next, grace);
      }
      if ("Namespace".equals(type.kind()) && type.group().isEmpty()) {
        Json.metadata(next);
        next.with("status").put("phase", "Terminating");
      }
      if (dryRun) {
        return Outcome.ok(200, null, () -> WriteSupport.withRv(next, current.rv()));
      }
      StoreWrite w = support.put(type, key, next, req.id());
      view.put(w);
      return Outcome.ok(200, w, w::withRv);
    }
    if (dryRun) {
      return Outcome.ok(200, null, current::withRv);
    }
    StoreWrite t = StoreWrite.tombstone(type, key, current.object(),
        current.object().path("metadata").path("uid").asText(""), req.id());
    view.put(t);
    return Outcome.ok(200, t, t::withRv);
  }

  /**
   * kube's pod {@code CheckGracefulDelete}: the grace period of a pod's deletion — the request's, else
   * the pod's {@code terminationGracePeriodSeconds} (30 s by default) — or 0 for a pod no node runs
   * (unscheduled) or that finished; -1 for other resources.
   */
  static long podGracePeriod(ResourceType type, ObjectNode pod, Long requested) {
    if (!type.group().isEmpty() || !type.plural().equals("pods")) {
      return -1;
    }
    JsonNode spec = pod.path("spec");
    long period = requested != null ? requested : spec.path("terminationGracePeriodSeconds").asLong(30);
    String phase = pod.path("status").path("phase").asText("");
    if (spec.path("nodeName").asText("").isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
      return 0;
    }
    return Math.max(0, period);
  }

  /**
   * The request's propagation policy, else the kind's default as kube's strategies give it: {@code Orphan}
   * for core/v1 ReplicationControllers (their behaviour before the garbage collector existed), none
   * (Background) for every other kind.
   */
  static String propagationPolicy(ResourceType type, String requested) {
    if (requested != null && !requested.isEmpty()) {
      return requested;
    }
    return type.group().isEmpty() && type.plural().equals("replicationcontrollers") ? "Orphan" : null;
  }

  private static void addPolicyFinalizer(ObjectNode obj, String policy) {
    String finalizer = "Orphan".equals(policy) ? ORPHAN : "Foreground".equals(policy) ? FOREGROUND : null;
    if (finalizer == null) {
      return;
    }
    ObjectNode m = Json.metadata(obj);
    JsonNode f = m.get("finalizers");
    ArrayNode arr = f instanceof ArrayNode a ? a : m.putArray("finalizers");
    for (JsonNode e : arr) {
      if (finalizer.equals(e.asText())) {
        return;
      }
    }
    arr.add(finalizer);
  }
}
