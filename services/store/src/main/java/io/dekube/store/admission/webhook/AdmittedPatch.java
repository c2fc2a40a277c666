package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.ObjectWrites;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * A PATCH admitted on the object it yields, as kube's GuaranteedUpdate runs admission: the patch is
 * applied to the current object, the webhooks see the result, and the write is conditioned on the
 * resourceVersion they saw. When no mutating webhook changed it, the client's own patch goes to the
 * writer (so apply, strategic merge and managedFields stay the writer's); when one did, the admitted
 * object is written as an update (of the status for {@code subresource} {@code status}), or for a
 * server-side apply, the webhooks' changes are merged into the applied configuration (so the applier
 * owns them, as it owns the request). A conflict on that condition (someone wrote in between) runs it
 * all again, up to {@value #ATTEMPTS} times. Used by the apiserver's REST writes and by the bus
 * components' {@link AdmittingStore}. Stateless.
 */
public final class AdmittedPatch {

  /** How often a patch is admitted and written at most. */
  public static final int ATTEMPTS = 5;

  /**
   * The webhooks' part: the object to write (as the mutating webhooks leave it) for {@code operation}, and the server
   * fields of an apply that creates it.
   */
  @FunctionalInterface
  public interface Admission {
    Future<WebhookAdmission.Admitted> admit(String operation, ObjectNode patched, ObjectNode current);
  }

  /**
   * One patch of {@code namespace/name}.
   *
   * @param store       where it is written
   * @param current     the current object, brought up to date (null when there is none)
   * @param subresource {@code status} or null; {@code o} says the same to the writer
   * @param admission   the webhooks
   */
  public record Request(ObjectWrites store, Supplier<Future<ObjectNode>> current, ResourceType type,
                        String namespace, String name, String subresource, String patchType, JsonNode document,
                        WriteOptions o, Admission admission) {
  }

  private AdmittedPatch() {
  }

  /** Admits and writes the patch; answers the written object. */
  public static Future<ObjectNode> run(Request r) {
    return run(r, 1);
  }

  private static Future<ObjectNode> run(Request r, int attempt) {
    boolean apply = r.patchType().equals(Patches.APPLY);
    return r.current().get().compose(current -> {
      if (current == null && !apply) {
        return r.store().patch(r.type(), r.namespace(), r.name(), r.patchType(), r.document(), r.o()); // the 404
      }
      ObjectNode patched = Patches.apply(r.patchType(), current, r.document(), r.type(), r.o());
      String op = current == null ? AdmissionAttributes.CREATE : AdmissionAttributes.UPDATE;
      String rv = current == null ? null : current.path("metadata").path("resourceVersion").asText(null);
      boolean ours = r.o().resourceVersion() == null && rv != null;
      WriteOptions conditioned = ours ? r.o().withResourceVersion(rv) : r.o();
      return r.admission().admit(op, patched, current)
          .compose(admitted -> write(r, patched, admitted.object(), rv, admitted.serverFields() == null ? conditioned
              : conditioned.withServerFields(admitted.serverFields()), apply))
          .recover(e -> raced(e, ours, current == null) && attempt < ATTEMPTS ? run(r, attempt + 1)
              : Future.failedFuture(e));
    });
  }

  private static Future<ObjectNode> write(Request r, ObjectNode patched, ObjectNode admitted, String rv,
                                          WriteOptions conditioned, boolean apply) {
    if (admitted.equals(patched)) {
      return r.store().patch(r.type(), r.namespace(), r.name(), r.patchType(), r.document(), conditioned);
    }
    if (apply) {
      JsonNode merged = Patches.apply(Patches.MERGE, (ObjectNode) r.document().deepCopy(),
          mergeDiff(patched, admitted), r.type(), WriteOptions.none());
      return r.store().patch(r.type(), r.namespace(), r.name(), r.patchType(), merged, conditioned);
    }
    ObjectNode write = admitted.deepCopy();
    Json.metadata(write).put("resourceVersion", rv);
    return "status".equals(r.subresource())
        ? r.store().updateStatus(r.type(), write, conditioned.withSubresource(null))
        : r.store().update(r.type(), write, conditioned);
  }

  /**
   * Whether a write failed only because the object changed after the webhooks saw it: the
   * resourceVersion precondition added here, or an apply that meant to create finding it created.
   */
  private static boolean raced(Throwable e, boolean ours, boolean creating) {
    if (!(e instanceof StatusException se) || se.code() != 409) {
      return false;
    }
    String m = String.valueOf(se.getMessage());
    return creating ? se.reason().equals("AlreadyExists")
        : ours && (m.contains("Precondition failed: ResourceVersion") || m.contains("the object has been modified"));
  }

  /** The JSON merge patch that turns {@code from} into {@code to} (RFC 7386: null removes a member). */
  public static JsonNode mergeDiff(JsonNode from, JsonNode to) {
    if (!from.isObject() || !to.isObject()) {
      return to;
    }
    ObjectNode diff = Json.object();
    to.fields().forEachRemaining(e -> {
      JsonNode before = from.get(e.getKey());
      if (before == null || !before.equals(e.getValue())) {
        diff.set(e.getKey(), before == null ? e.getValue() : mergeDiff(before, e.getValue()));
      }
    });
    from.fieldNames().forEachRemaining(k -> {
      if (!to.has(k)) {
        diff.putNull(k);
      }
    });
    return diff;
  }
}
