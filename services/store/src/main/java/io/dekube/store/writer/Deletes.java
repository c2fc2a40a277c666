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
 * {@code orphan} / {@code foregroundDeletion}, added for those propagation policies) is updated with
 * deletionTimestamp and deletionGracePeriodSeconds; one without is removed by a tombstone (carrying
 * its uid). The reply is the object as deleted, or as marked. Loop-thread confined.
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
      addPolicyFinalizer(next, req.options().propagationPolicy());
    }
    boolean dryRun = req.options().dryRun();
    if (WriteSupport.hasFinalizers(next)) {
      if (wasDeleting) {
        return Outcome.ok(200, null, current::withRv); // already being deleted: nothing changes
      }
      long grace = req.options().gracePeriodSeconds() == null ? 0 : Math.max(0, req.options().gracePeriodSeconds());
      support.fields.markDeleting(next, grace);
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
