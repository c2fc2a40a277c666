package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.audit.AuditHandler;
import io.dekube.apiserver.rest.backend.ObjectStore;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.dekube.core.model.ResourceType;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Supplier;

/**
 * The pod subresources that change the pod: {@code binding} (POST a Binding: sets
 * {@code spec.nodeName} when unset, 409 otherwise, and marks the pod scheduled) and
 * {@code eviction} (POST an Eviction: deletes the pod with its delete options once its disruption
 * budget allows it, see {@link Evictions}), plus the
 * namespace {@code finalize} subresource. Runs on the request's event loop.
 */
final class PodSubresources {


  private static final AdmissionAttributes.ObjectKind BINDING = new AdmissionAttributes.ObjectKind("", "v1", "Binding");
  private static final AdmissionAttributes.ObjectKind EVICTION = new AdmissionAttributes.ObjectKind("policy", "v1",
      "Eviction");
  /** The legacy {@code POST /api/v1/namespaces/NS/bindings}: a resource of its own, as kube's admission names it. */
  private static final ResourceType BINDINGS = new ResourceType("", "v1", "bindings", "", "Binding", true, List.of(),
      List.of(), List.of());

  private final ObjectStore store;
  private final ReadHandler reads;
  private final Evictions evictions;
  private final Supplier<DynamicAdmission> admission;

  PodSubresources(ObjectStore store, ReadHandler reads, Evictions evictions, Supplier<DynamicAdmission> admission) {
    this.store = store;
    this.reads = reads;
    this.evictions = evictions;
    this.admission = admission;
  }

  void bind(ApiRequest r) {
    bind(r, r.name());
  }

  /** {@code POST /api/v1/namespaces/NS/bindings}: the pod is the one the Binding names. */
  void bindByBody(ApiRequest r) {
    bind(r, null);
  }

  private void bind(ApiRequest r, String podOfPath) {
    WriteParams p = WriteParams.parse(r::query, r.queryAll("dryRun"), "CreateOptions", false);
    Bodies.read(r.ctx()).compose(body -> {
      ObjectNode binding = r.codecs().decoder().decodeObject(r.ctx().request().getHeader("Content-Type"), body,
          r.type()).object();
      Decoding.checkTypeMeta(binding, "Binding", "v1", "v1");
      AuditHandler.request(r.ctx(), binding);
      String name = binding.path("metadata").path("name").asText("");
      if (podOfPath != null && !name.isEmpty() && !name.equals(podOfPath)) {
        throw StatusException.badRequest("the name of the object (" + name + ") does not match the name on the URL ("
            + podOfPath + ")");
      }
      String pod = podOfPath != null ? podOfPath : name;
      if (pod.isEmpty()) {
        throw invalidBinding(pod, "metadata.name", "Required value: name or generateName is required");
      }
      ensureNamespace(r, binding);
      // kube admits a CREATE of pods/binding (the legacy endpoint: of bindings) with the Binding, before its storage
      // checks it; a mutating webhook's target is the node bound to
      ResourceType resource = podOfPath != null ? r.type() : BINDINGS;
      return admission.get().subresource(r, resource, AdmissionAttributes.CREATE, pod, BINDING, binding, null,
          p.dryRun(), DynamicAdmission.createOptions(p)).compose(admitted -> {
            String node = admitted.path("target").path("name").asText("");
            if (node.isEmpty()) {
              throw invalidBinding(pod, "target.name", "Required value");
            }
            return bind(r, pod, node, admitted.path("metadata").path("annotations"), WriteHandler.options(p));
          });
    }).onComplete(ar -> {
      if (ar.failed()) {
        Responses.fail(r.ctx(), ar.cause(), r.pretty());
      } else {
        Responses.send(r.ctx(), 201, Responses.success(201, null), r.pretty(), r.format().yaml());
      }
    });
  }

  /** One write: the writer checks the pod is unbound and alive, sets the node and PodScheduled=True. */
  private Future<ObjectNode> bind(ApiRequest r, String pod, String node, JsonNode annotations, WriteOptions o) {
    ObjectNode doc = Json.object();
    doc.putObject("spec").put("nodeName", node);
    if (annotations.isObject() && !annotations.isEmpty()) {
      doc.putObject("metadata").set("annotations", annotations);
    }
    return store.patch(r.type(), r.namespace(), pod, Patches.MERGE, doc, o.withSubresource("binding"));
  }

  private static StatusException invalidBinding(String pod, String field, String why) {
    ObjectNode details = Json.object().put("name", pod).put("kind", "Binding");
    details.putArray("causes").addObject().put("reason", "FieldValueRequired").put("message", why)
        .put("field", field);
    return new StatusException(422, "Invalid", "Binding \"" + pod + "\" is invalid: " + field + ": " + why, details);
  }

  /** The namespace of the request on a subresource's object that names none, as kube's create handler sets it. */
  private static void ensureNamespace(ApiRequest r, ObjectNode obj) {
    ObjectNode meta = obj.with("metadata");
    if (!meta.hasNonNull("namespace") || meta.path("namespace").asText().isEmpty()) {
      meta.put("namespace", r.namespace());
    }
  }

  void evict(ApiRequest r) {
    boolean dryRun = !r.queryAll("dryRun").isEmpty();
    Bodies.read(r.ctx()).compose(body -> {
      ObjectNode eviction = r.codecs().decoder().decodeObject(r.ctx().request().getHeader("Content-Type"), body,
          r.type()).object();
      String kind = eviction.path("kind").asText("Eviction");
      if (!kind.equals("Eviction")) {
        throw StatusException.badRequest("the kind in the body (" + kind + ") is not an Eviction");
      }
      AuditHandler.request(r.ctx(), eviction);
      // kube's eviction endpoint takes policy/v1 and v1beta1 alike and admits it as a policy/v1 Eviction
      eviction.put("apiVersion", "policy/v1").put("kind", "Eviction");
      ensureNamespace(r, eviction);
      ObjectNode options = Json.object().put("kind", "CreateOptions").put("apiVersion", "meta.k8s.io/v1");
      if (dryRun) {
        options.putArray("dryRun").add("All");
      }
      return admission.get().subresource(r, r.type(), AdmissionAttributes.CREATE, r.name(), EVICTION, eviction, null,
          dryRun, options).compose(admitted -> evict(r, admitted, dryRun));
    }).onComplete(ar -> {
      if (ar.failed()) {
        Responses.fail(r.ctx(), ar.cause(), r.pretty());
      } else {
        Responses.send(r.ctx(), 201, Responses.success(201, null), r.pretty(), r.format().yaml());
      }
    });
  }

  /** Evicts the pod as the admitted Eviction says (a mutating webhook may have changed its delete options). */
  private Future<ObjectNode> evict(ApiRequest r, ObjectNode eviction, boolean dryRun) {
    JsonNode opts = eviction.path("deleteOptions");
    byte[] optBytes = opts.isObject() ? opts.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)
        : new byte[0];
    DeleteParams d = DeleteParams.parse(optBytes, n -> null, java.util.List.of());
    String name = eviction.path("metadata").path("name").asText("");
    if (!name.isEmpty() && !name.equals(r.name())) {
      throw StatusException.badRequest("name in URL does not match name in Eviction object");
    }
    WriteOptions delete = WriteHandler.deleteOptions(d);
    if (dryRun) {
      delete = delete.withDryRun(true);
    }
    WriteOptions options = delete;
    return reads.get(r).compose(pod -> evictions.evict(r.type(), pod, options));
  }

  /** PUT namespaces/{name}/finalize: sets {@code spec.finalizers} of the namespace. */
  void finalizeNamespace(ApiRequest r) {
    WriteParams p = WriteParams.parse(r::query, r.queryAll("dryRun"), "UpdateOptions", false);
    Bodies.read(r.ctx()).compose(body -> {
      ObjectNode ns = Decoding.object(r, body, p.fieldValidation()).object();
      Decoding.updateIdentity(r, ns);
      String rv = ns.path("metadata").path("resourceVersion").asText("");
      // kube admits it as an UPDATE of namespaces/finalize; the admitted finalizers are the ones written
      return admission.get().update(r, ns, p).compose(admitted -> {
        ObjectNode patch = Json.object();
        JsonNode finalizers = admitted.path("spec").path("finalizers");
        patch.putObject("spec").set("finalizers", finalizers.isArray() ? finalizers : Json.MAPPER.createArrayNode());
        return store.patch(r.type(), "", r.name(), Patches.MERGE, patch,
            WriteHandler.options(p).withResourceVersion(rv.isEmpty() ? null : rv));
      });
    }).onComplete(ar -> {
      if (ar.failed()) {
        Responses.fail(r.ctx(), ar.cause(), r.pretty());
      } else {
        Responses.object(r, 200, ar.result());
      }
    });
  }
}
