package io.dekube.store.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.EphemeralContainersUpdate;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.PodBinding;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.WireDefaults;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.Generation;
import io.dekube.core.store.StatusSubresource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Update, updateStatus and patch: preconditions, the fields a client may not change, the status
 * subresource rule, generation, and the tombstone when the last finalizer of an object being deleted
 * goes. Loop-thread confined.
 */
final class Updates {

  private final WriteSupport support;
  private final Creates creates;

  Updates(WriteSupport support, Creates creates) {
    this.support = support;
    this.creates = creates;
  }

  /** Replaces the object; for kinds with a status subresource the status stays as it is (as kube does). */
  Outcome update(ParsedRequest req, BatchOverlay view) {
    ObjectNode body = WriteSupport.body(req);
    String key = WriteSupport.key(req, body);
    Versioned current = require(req.type(), key, view);
    WriteSupport.checkPreconditions(req.type(), ObjectKey.parse(key).name(), current, req.options(), body);
    if (EphemeralContainersUpdate.SUBRESOURCE.equals(req.options().subresource())) {
      return ephemeralContainers(req, view, key, current, body, Verb.UPDATE);
    }
    return write(req, view, key, current, specUpdate(req.type(), current.object(), body), Verb.UPDATE, false);
  }

  /**
   * {@code pods/ephemeralcontainers}: only the ephemeral containers of {@code wanted} are taken; the pod's
   * admission sees them as already there, so its rule that a pod's spec is immutable holds for the rest.
   */
  private Outcome ephemeralContainers(ParsedRequest req, BatchOverlay view, String key, Versioned current,
                                      ObjectNode wanted, Verb verb) {
    if (!req.type().resourceName().equals("pods")) {
      throw StatusException.badRequest("only pods have the ephemeralcontainers subresource, not "
          + req.type().resourceName());
    }
    ObjectNode next = EphemeralContainersUpdate.apply(req.type(), current.object(), wanted);
    return write(req, view, key, current, next, verb, false,
        EphemeralContainersUpdate.admissionOld(current.object(), next));
  }

  /** Replaces only the status. */
  Outcome updateStatus(ParsedRequest req, BatchOverlay view) {
    ObjectNode body = WriteSupport.body(req);
    String key = WriteSupport.key(req, body);
    Versioned current = require(req.type(), key, view);
    WriteSupport.checkPreconditions(req.type(), ObjectKey.parse(key).name(), current, req.options(), body);
    return write(req, view, key, current, StatusSubresource.write(req.type(), current.object(), body), Verb.UPDATE_STATUS, true);
  }

  /**
   * Patches the current object (atomic: the writer is the only one changing it). The body is
   * {@code {"patch": <document>}}, {@code options.patchType} its content type; option
   * {@code subresource=status} patches only the status. An apply patch on a missing object creates it.
   */
  Outcome patch(ParsedRequest req, BatchOverlay view) {
    String patchType = req.envelope().options() == null ? ""
        : req.envelope().options().path("patchType").asText("");
    JsonNode doc = req.envelope().body() == null ? null : req.envelope().body().get("patch");
    if (patchType.isEmpty() || doc == null) {
      throw StatusException.badRequest("patch needs options.patchType and a body {\"patch\": <document>}");
    }
    ResourceType type = req.type();
    String key = WriteSupport.key(req, null);
    Versioned current = view.get(type, key);
    if (PodBinding.SUBRESOURCE.equals(req.options().subresource())) {
      if (!type.resourceName().equals("pods")) {
        throw StatusException.badRequest("only pods have the binding subresource, not " + type.resourceName());
      }
      Versioned pod = require(type, key, view);
      ObjectNode bound = PodBinding.bind(ObjectKey.parse(key).name(), pod.object(), doc);
      WriteSupport.checkPreconditions(type, ObjectKey.parse(key).name(), pod, req.options(), bound);
      return write(req, view, key, pod, bound, Verb.PATCH, false);
    }
    if (current == null) {
      if (!patchType.startsWith(Patches.APPLY)) {
        throw StatusException.notFound(type, ObjectKey.parse(key).name());
      }
      ObjectNode created = Patches.apply(patchType, null, doc, type, req.options());
      return creates.create(req, WriteSupport.reconciled(req, created), view);
    }
    ObjectNode patched = WriteSupport.reconciled(req,
        Patches.apply(patchType, WireDefaults.apply(type, current.withRv()), doc, type, req.options()));
    WriteSupport.checkPreconditions(type, ObjectKey.parse(key).name(), current, req.options(), patched);
    if (EphemeralContainersUpdate.SUBRESOURCE.equals(req.options().subresource())) {
      return ephemeralContainers(req, view, key, current, patched, Verb.PATCH);
    }
    boolean statusOnly = "status".equals(req.options().subresource());
    ObjectNode next = !statusOnly ? specUpdate(type, current.object(), patched)
        : patchType.startsWith(Patches.APPLY) ? StatusSubresource.applied(type, current.object(), patched)
        : StatusSubresource.write(type, current.object(), patched);
    return write(req, view, key, current, next, Verb.PATCH, statusOnly);
  }

  private static Versioned require(ResourceType type, String key, BatchOverlay view) {
    Versioned current = view.get(type, key);
    if (current == null) {
      throw StatusException.notFound(type, ObjectKey.parse(key).name());
    }
    return current;
  }

  private static ObjectNode specUpdate(ResourceType type, ObjectNode current, ObjectNode body) {
    ServerFields.keepServerFields(current, body);
    if (type.hasSubresource("status")) {
      copyStatus(current, body);
    }
    return body;
  }

  private static void copyStatus(ObjectNode from, ObjectNode to) {
    if (from.has("status")) {
      to.set("status", from.get("status").deepCopy());
    } else {
      to.remove("status");
    }
  }

  private Outcome write(ParsedRequest req, BatchOverlay view, String key, Versioned current, ObjectNode next,
                        Verb verb, boolean statusOnly) {
    return write(req, view, key, current, next, verb, statusOnly, current.object());
  }

  /**
   * kube's {@code ShouldDeleteDuringUpdate}: an update that leaves no finalizer removes the object only
   * once its grace period is 0 (a running pod being deleted stays until its kubelet's final delete).
   */
  private static boolean graceOver(ObjectNode old) {
    return old.path("metadata").path("deletionGracePeriodSeconds").asLong(0) == 0;
  }

  /** {@code admitOld}: the old object the admission compares with (the stored one but for a subresource). */
  private Outcome write(ParsedRequest req, BatchOverlay view, String key, Versioned current, ObjectNode next,
                        Verb verb, boolean statusOnly, ObjectNode admitOld) {
    ResourceType type = req.type();
    ObjectNode old = current.object();
    checkNoNewFinalizers(type, old, next);
    ObjectNode admitted = support.trackOwnership(req, old, support.admit(req, verb, next, admitOld, old));
    Json.metadata(admitted).remove("resourceVersion");
    if (!statusOnly) {
      Generation.onUpdate(type, old, admitted);
      support.checkQuota(type, admitted, old, view);
      support.allocate(type, key, admitted, old, view);
    }
    boolean dryRun = req.options().dryRun();
    if (WriteSupport.deleting(admitted) && !WriteSupport.hasFinalizers(admitted) && graceOver(old)) {
      if (dryRun) {
        return Outcome.ok(200, null, () -> WriteSupport.withRv(admitted, current.rv()));
      }
      StoreWrite t = StoreWrite.tombstone(type, key, admitted, admitted.path("metadata").path("uid").asText(""),
          req.id());
      view.put(t);
      return Outcome.ok(200, t, t::withRv);
    }
    if (ServerFields.same(admitted, old) && !current.stale()) {
      // no change, no new resourceVersion (as etcd3 storage); but a value read by an older key or provider is
      // written again, so that `kubectl replace` re-encrypts it with the first provider, as kube's storage does
      return Outcome.ok(200, null, current::withRv);
    }
    if (dryRun) {
      return Outcome.ok(200, null, () -> WriteSupport.withRv(admitted, current.rv()));
    }
    StoreWrite w = support.put(type, key, admitted, req.id());
    view.put(w);
    return Outcome.ok(200, w, w::withRv);
  }

  private static void checkNoNewFinalizers(ResourceType type, ObjectNode old, ObjectNode next) {
    if (!WriteSupport.deleting(old)) {
      return;
    }
    Set<String> before = finalizers(old);
    List<String> added = new java.util.ArrayList<>();
    for (String f : finalizers(next)) {
      if (!before.contains(f)) {
        added.add(f);
      }
    }
    if (!added.isEmpty()) {
      throw BasicAdmission.invalid(type, old.path("metadata").path("name").asText(""), List.of(
          new BasicAdmission.Cause("FieldValueForbidden", "metadata.finalizers",
              "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers "
                  + added)));
    }
  }

  private static Set<String> finalizers(ObjectNode obj) {
    Set<String> s = new HashSet<>();
    obj.path("metadata").path("finalizers").forEach(f -> s.add(f.asText()));
    return s;
  }
}
