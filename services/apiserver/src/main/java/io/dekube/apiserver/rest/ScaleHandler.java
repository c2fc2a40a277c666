package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.MediaTypes;
import io.dekube.apiserver.rest.backend.ObjectStore;
import io.dekube.apiserver.rest.table.Printers;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.Json;
import io.dekube.core.model.ScaleObjects;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The {@code scale} subresource of deployments, replicasets, statefulsets and replicationcontrollers: an
 * {@code autoscaling/v1} Scale whose {@code spec.replicas} is the parent's; GET reads it, PUT
 * and PATCH (as {@code kubectl scale} sends) write {@code spec.replicas} of the parent. A patch is
 * applied to the Scale read at some resource version and written conditioned on it, retried on
 * a conflict as kube's GuaranteedUpdate does. Runs on the request's event loop.
 */
final class ScaleHandler {

  private static final int RETRIES = 5;

  private static final AdmissionAttributes.ObjectKind SCALE = new AdmissionAttributes.ObjectKind("autoscaling", "v1",
      "Scale");

  private final ObjectStore store;
  private final ReadHandler reads;
  private final Supplier<DynamicAdmission> admission;

  ScaleHandler(ObjectStore store, ReadHandler reads, Supplier<DynamicAdmission> admission) {
    this.store = store;
    this.reads = reads;
    this.admission = admission;
  }

  /** The Scale of a parent object: the custom kind's paths when it is one. */
  static ObjectNode scaleOf(ApiRequest r, ObjectNode parent) {
    return ScaleObjects.of(parent, customScale(r));
  }

  private static CustomKind.Scale customScale(ApiRequest r) {
    return r.custom() == null ? null : r.custom().served(r.path().version()).orElse(r.custom().storage()).scale();
  }

  void get(ApiRequest r) {
    reads.get(r).onComplete(ar -> answer(r, ar.result(), ar.cause()));
  }

  void put(ApiRequest r) {
    WriteParams p = WriteParams.parse(r::query, r.queryAll("dryRun"), "UpdateOptions", false);
    Bodies.read(r.ctx()).compose(body -> {
      ObjectNode scale = r.codecs().decoder().decodeObject(r.ctx().request().getHeader("Content-Type"), body,
          r.type()).object();
      Decoding.checkTypeMeta(scale, "Scale", "autoscaling/v1", "v1");
      io.dekube.apiserver.audit.AuditHandler.request(r.ctx(), scale);
      Decoding.updateIdentity(r, scale);
      replicas(r, scale);
      String rv = scale.path("metadata").path("resourceVersion").asText("");
      WriteOptions o = WriteHandler.options(p, r).withSubresource("scale")
          .withResourceVersion(rv.isEmpty() ? null : rv);
      if (!admission.get().on(r.type())) {
        return setReplicas(r, replicas(r, scale), o);
      }
      // kube admits the update of the Scale against the current one, as its scale storage derives it from the parent
      return reads.get(r).compose(parent -> admitted(r, scale, scaleOf(r, parent), p))
          .compose(admitted -> setReplicas(r, replicas(r, admitted), o));
    }).onComplete(ar -> answer(r, ar.result(), ar.cause()));
  }

  /**
   * {@code scale} as the admission webhooks and policies leave it: kube's {@code UPDATE} of the parent's
   * {@code scale} subresource, an {@code autoscaling/v1 Scale} with the current one as {@code oldObject} (a PATCH
   * too, with UpdateOptions); a mutating webhook's replicas are the ones written.
   */
  private Future<ObjectNode> admitted(ApiRequest r, ObjectNode scale, ObjectNode current, WriteParams p) {
    ObjectNode meta = scale.with("metadata");
    if (!meta.hasNonNull("namespace") && !r.namespace().isEmpty()) {
      meta.put("namespace", r.namespace());
    }
    return admission.get().subresource(r, r.type(), AdmissionAttributes.UPDATE, r.name(), SCALE, scale, current,
        p.dryRun(), DynamicAdmission.updateOptions(p));
  }

  void patch(ApiRequest r) {
    String type = WriteHandler.patchType(r);
    WriteParams p = WriteParams.parse(r::query, r.queryAll("dryRun"), "PatchOptions",
        type.equals(MediaTypes.APPLY_PATCH));
    Bodies.read(r.ctx()).compose(body -> {
      JsonNode doc = r.codecs().decoder().decodePatch(type, body);
      WriteOptions o = WriteHandler.options(p, r).withSubresource("scale");
      return type.equals(MediaTypes.APPLY_PATCH) ? apply(r, doc, o, p) : patchWithRetry(r, type, doc, o, p, RETRIES);
    }).onComplete(ar -> answer(r, ar.result(), ar.cause()));
  }

  /**
   * A server-side apply of a Scale ({@code kubectl apply --server-side --subresource=scale}), as kube's scale handler
   * maps it: the Scale's {@code spec.replicas} is applied as the parent's replicas field, so the manager's entry on the
   * parent is an Apply of that field with {@code subresource: scale} in the parent's version, and it conflicts with
   * (or, forced, takes the field from) whoever owns the parent's replicas. A Scale without replicas applies nothing.
   * The configuration must be an {@code autoscaling/v1} Scale (kube's 400 otherwise), which client-go's
   * {@code ApplyScale} sends; kubectl cannot: it maps a file's kind to a resource, and a Deployment's file is the
   * wrong type for this endpoint.
   */
  private Future<ObjectNode> apply(ApiRequest r, JsonNode doc, WriteOptions o, WriteParams p) {
    if (!(doc instanceof ObjectNode cfg)) {
      return Future.failedFuture(StatusException.badRequest("the applied configuration must be an object"));
    }
    try {
      // kube's field manager of the scale endpoint (an autoscaling/v1 Scale): `kubectl apply --subresource=scale -f
      // deployment.yaml` fails with `invalid object type: apps/v1, Kind=Deployment`
      Decoding.checkApplied(cfg, "autoscaling/v1", "Scale");
    } catch (StatusException e) {
      return Future.failedFuture(e);
    }
    boolean sets = cfg.path("spec").hasNonNull("replicas");
    Integer asked = sets ? replicas(r, cfg) : null;
    return reads.get(r).compose(parent -> {
      ObjectNode scale = scaleOf(r, parent);
      ObjectNode applied = scale.deepCopy();
      if (asked != null) {
        applied.with("spec").put("replicas", asked.intValue());
      }
      Future<ObjectNode> admitted = admission.get().on(r.type()) ? admitted(r, applied, scale, p)
          : Future.succeededFuture(applied);
      return admitted.compose(s -> store.patch(r.type(), r.namespace(), r.name(), Patches.APPLY,
          parentConfig(r, asked == null ? null : replicas(r, s)), o));
    });
  }

  /** The parent's apply configuration of a Scale: its identity and, when the Scale sets them, its replicas. */
  private static ObjectNode parentConfig(ApiRequest r, Integer replicas) {
    ObjectNode cfg = Json.object().put("apiVersion", r.type().apiVersion()).put("kind", r.type().kind());
    ObjectNode meta = cfg.putObject("metadata").put("name", r.name());
    if (!r.namespace().isEmpty()) {
      meta.put("namespace", r.namespace());
    }
    if (replicas != null) {
      cfg.setAll(ScaleObjects.replicasPatch(ScaleObjects.replicasPath(customScale(r)), replicas));
    }
    return cfg;
  }

  /** The patch applied to the current Scale, admitted and written; run again on a conflict, admission too. */
  private Future<ObjectNode> patchWithRetry(ApiRequest r, String type, JsonNode doc, WriteOptions o, WriteParams p,
                                            int left) {
    return reads.get(r).compose(parent -> {
      ObjectNode scale = scaleOf(r, parent);
      String as = type.equals(MediaTypes.JSON_PATCH) ? Patches.JSON : Patches.MERGE; // a Scale has no lists to merge
      ObjectNode patched = Patches.apply(as, scale.deepCopy(), doc, r.type(), o);
      replicas(r, patched);
      String rv = parent.path("metadata").path("resourceVersion").asText();
      Future<ObjectNode> admitted = admission.get().on(r.type()) ? admitted(r, patched, scale, p)
          : Future.succeededFuture(patched);
      return admitted.compose(s -> setReplicas(r, replicas(r, s), o.withResourceVersion(rv)));
    }).recover(e -> e instanceof StatusException se && se.code() == 409 && "Conflict".equals(se.reason()) && left > 1
        ? patchWithRetry(r, type, doc, o, p, left - 1) : Future.failedFuture(e));
  }

  private Future<ObjectNode> setReplicas(ApiRequest r, int replicas, WriteOptions o) {
    return store.patch(r.type(), r.namespace(), r.name(), Patches.MERGE,
        ScaleObjects.replicasPatch(ScaleObjects.replicasPath(customScale(r)), replicas), o);
  }

  private static int replicas(ApiRequest r, ObjectNode scale) {
    JsonNode n = scale.path("spec").path("replicas");
    if (!n.isMissingNode() && !n.isNull() && !n.isIntegralNumber()) {
      throw StatusException.badRequest("Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal "
          + (n.isTextual() ? "string" : n.isNumber() ? "number " + n.asText() : "value")
          + " into Go struct field ScaleSpec.spec.replicas of type int32");
    }
    int replicas = n.asInt(0);
    if (replicas < 0) {
      ObjectNode details = Json.object().put("name", r.name()).put("group", "autoscaling").put("kind", "Scale");
      details.putArray("causes").addObject().put("reason", "FieldValueInvalid")
          .put("message", "Invalid value: " + replicas + ": must be greater than or equal to 0")
          .put("field", "spec.replicas");
      throw new StatusException(422, "Invalid", "Scale.autoscaling \"" + r.name()
          + "\" is invalid: spec.replicas: Invalid value: " + replicas + ": must be greater than or equal to 0", details);
    }
    return replicas;
  }

  private static void answer(ApiRequest r, ObjectNode parent, Throwable failure) {
    if (failure != null) {
      Responses.fail(r.ctx(), failure, r.pretty());
    } else {
      // a Table for kubectl get --subresource=scale, as kube prints Scales
      Responses.send(r.ctx(), 200, Responses.shape(r, scaleOf(r, parent), Printers.scale()), r.pretty(),
          r.format().yaml());
    }
  }
}
