package io.dekube.store.writer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.store.admission.ResourceQuotaAdmission;
import io.dekube.store.admission.WriteAdmission;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.PodBinding;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.patch.ServerSideApply;
import io.dekube.core.store.WriteOptions;

/**
 * What the request handlers share: admission, server fields, the object size limit, and the checks
 * on bodies and preconditions, with Kubernetes' wording. Loop-thread confined.
 */
final class WriteSupport {

  static final String MODIFIED = "the object has been modified; please apply your changes to the latest version "
      + "and try again";

  private final WriteAdmission admission;
  private final WriteAdmission validating;
  final ServerFields fields;
  private final int maxObjectBytes;
  private final ServiceAllocator services;
  private final ResourceQuotaAdmission quota;

  WriteSupport(WriteAdmission admission, WriteAdmission validating, ServerFields fields, int maxObjectBytes,
               ServiceAllocator services, ResourceQuotaAdmission quota) {
    this.admission = admission;
    this.validating = validating;
    this.fields = fields;
    this.maxObjectBytes = maxObjectBytes;
    this.services = services;
    this.quota = quota;
  }

  /**
   * Admits a write: the admission chain on {@code obj} against {@code admitOld} (what the chain compares
   * with: the stored object, but for a subresource), then the validating admission on the result against
   * the {@code stored} object itself (null on create).
   */
  ObjectNode admit(ParsedRequest req, Verb verb, ObjectNode obj, ObjectNode admitOld, ObjectNode stored) {
    ResourceType type = req.type();
    WriteAdmission chain = req.options().apiVersion() == null ? admission
        : admission.inVersion(req.options().apiVersion());
    String user = req.options().user();
    return validating.forUser(user).admit(type, verb, chain.forUser(user).admit(type, verb, obj, admitOld), stored);
  }

  /**
   * The mutating stage of a create's admission alone (the defaults and the built-in mutating plugins: ServiceAccount,
   * Priority, RuntimeClass...), as kube runs it before the name is generated; 403 when a plugin refuses.
   */
  ObjectNode mutate(ParsedRequest req, ObjectNode obj) {
    WriteAdmission chain = req.options().apiVersion() == null ? admission
        : admission.inVersion(req.options().apiVersion());
    return chain.defaults(req.type(), Verb.CREATE, obj, null);
  }

  /**
   * The ResourceQuota admission of a create ({@code old} null) or spec update: usage summed from the
   * batch's view of the kind (every object of it, this batch's earlier writes included); 403 when over.
   */
  void checkQuota(ResourceType type, ObjectNode admitted, ObjectNode old, BatchOverlay view) {
    if (!deleting(admitted)) {
      quota.check(type, admitted, old, ns -> view.list(type, ns).stream().map(Versioned::object).toList());
    }
  }

  /** Allocates a Service's ClusterIP and NodePorts (other kinds pass); 422 on a taken address. Null old: a create. */
  void allocate(ResourceType type, String key, ObjectNode admitted, ObjectNode old, BatchOverlay view) {
    if (ServiceAllocator.isService(type) && !deleting(admitted)) {
      services.allocate(type, key, admitted, old, view);
    }
  }

  /**
   * {@code admitted} with the write's field ownership in {@code metadata.managedFields}, as kube-apiserver's
   * field manager records it: the request's field manager owns what it set or changed (operation Update,
   * with the subresource); an apply patch has recorded its own entry already. Without a field manager the
   * current entries are kept when the body left them out. {@code old} is null on create. A binding is
   * not recorded (kube's binding storage writes the pod past the field manager); a replace of the status
   * is recorded with {@code subresource: status}, as a patch of it.
   */
  ObjectNode trackOwnership(ParsedRequest req, ObjectNode old, ObjectNode admitted) {
    String manager = req.options().fieldManager();
    if (isApply(req)) {
      return admitted;
    }
    String subresource = req.verb() == Verb.UPDATE_STATUS ? "status" : req.options().subresource();
    if (manager == null || manager.isEmpty() || PodBinding.SUBRESOURCE.equals(subresource)) {
      JsonNode kept = old == null ? null : old.path("metadata").get("managedFields");
      if (kept != null && !admitted.path("metadata").has("managedFields")) {
        Json.metadata(admitted).set("managedFields", kept.deepCopy());
      }
      return admitted;
    }
    String apiVersion = req.options().apiVersion() != null ? req.options().apiVersion() : req.type().apiVersion();
    return ServerSideApply.trackUpdate(old, admitted, req.type(), manager, subresource, apiVersion, fields.instant());
  }

  /** Whether the request is a server-side apply patch. */
  static boolean isApply(ParsedRequest req) {
    JsonNode options = req.envelope().options();
    return options != null && options.path("patchType").asText("").startsWith(Patches.APPLY);
  }

  /**
   * A store record for {@code obj} (which must carry no resourceVersion), encrypted now when its resource is
   * encrypted at rest; 413 when it is too large, kube's 500 when it cannot be encrypted (a KMS plugin that never
   * answered, or whose last good status is too old).
   */
  StoreWrite put(ResourceType type, String key, ObjectNode obj, String requestId) {
    byte[] value;
    try {
      value = Json.MAPPER.writeValueAsBytes(obj);
    } catch (JsonProcessingException e) {
      throw StatusException.internal("cannot serialize object: " + e.getMessage());
    }
    if (value.length > maxObjectBytes) {
      throw StatusException.tooLarge(type.plural() + " \"" + ObjectKey.of(obj).name() + "\" is " + value.length
          + " bytes; the store limit is " + maxObjectBytes + " bytes");
    }
    byte[] atRest;
    String resource = type.resourceName();
    try {
      atRest = io.dekube.core.encryption.StoreEncryption.write(io.dekube.core.encryption.StoreEncryption
          .transformer(resource), resource, key, value);
    } catch (io.dekube.core.encryption.ValueTransformer.TransformException e) {
      // kube's etcd3 store: a value the transformer cannot write is storage.NewInternalError(err), a 500
      throw StatusException.internal("Internal error occurred: " + e.getMessage());
    }
    return StoreWrite.put(type, key, obj, value, atRest, obj.path("metadata").path("uid").asText(""), requestId);
  }

  /**
   * A copy of the request body with kind and apiVersion filled in and checked, and its namespace and
   * name reconciled with the request's (the request's win when the body has none; a different one is
   * 400 BadRequest, as kube-apiserver answers for a body that does not match the URL).
   */
  static ObjectNode body(ParsedRequest req) {
    if (req.envelope().body() == null) {
      throw StatusException.badRequest(req.verb().wire() + " needs an object in the request body");
    }
    return reconciled(req, req.envelope().body().deepCopy());
  }

  /** {@code obj} (changed in place) with kind and apiVersion filled in and checked, name and namespace reconciled. */
  static ObjectNode reconciled(ParsedRequest req, ObjectNode obj) {
    ResourceType type = req.type();
    String kind = obj.path("kind").asText("");
    if (!kind.isEmpty() && !kind.equals(type.kind())) {
      throw StatusException.badRequest("the kind of the object (" + kind + ") does not match the resource "
          + type.resourceName() + " (kind " + type.kind() + ")");
    }
    String apiVersion = obj.path("apiVersion").asText("");
    if (!apiVersion.isEmpty() && !apiVersion.equals(type.apiVersion())) {
      throw StatusException.badRequest("the apiVersion of the object (" + apiVersion + ") does not match the stored "
          + "version " + type.apiVersion() + " of " + type.resourceName());
    }
    obj.put("apiVersion", type.apiVersion()).put("kind", type.kind());
    reconcile(req, Json.metadata(obj));
    return obj;
  }

  /** A copy of {@code obj} with {@code metadata.resourceVersion} = {@code rv} (left out when negative). */
  static ObjectNode withRv(ObjectNode obj, long rv) {
    return Versioned.putRv(obj.deepCopy(), rv);
  }

  private static void reconcile(ParsedRequest req, ObjectNode meta) {
    String ns = meta.path("namespace").asText("");
    if (req.type().namespaced() && !req.namespace().isEmpty()) {
      if (ns.isEmpty()) {
        meta.put("namespace", req.namespace());
      } else if (!ns.equals(req.namespace())) {
        throw StatusException.badRequest("the namespace of the provided object does not match the namespace sent "
            + "on the request");
      }
    }
    String name = meta.path("name").asText("");
    if (!req.name().isEmpty()) {
      if (name.isEmpty()) {
        meta.put("name", req.name());
      } else if (!name.equals(req.name())) {
        throw StatusException.badRequest("the name of the object (" + name + ") does not match the name on the URL ("
            + req.name() + ")");
      }
    }
  }

  /** The store key of the request's object; 400 when the request names none. */
  static String key(ParsedRequest req, ObjectNode body) {
    JsonNode m = body == null ? null : body.path("metadata");
    String ns = m == null ? req.namespace() : m.path("namespace").asText(req.namespace());
    String name = m == null ? req.name() : m.path("name").asText(req.name());
    if (name.isEmpty()) {
      throw StatusException.badRequest("resource name may not be empty");
    }
    return new ObjectKey(req.type().namespaced() ? ns : "", name).toString();
  }

  /**
   * Checks the preconditions of {@code o} (uid, resourceVersion) and, when {@code body} is given, its
   * {@code metadata.resourceVersion} and {@code metadata.uid}, against the current object.
   */
  static void checkPreconditions(ResourceType type, String name, Versioned current, WriteOptions o, ObjectNode body) {
    String curUid = current.object().path("metadata").path("uid").asText("");
    String curRv = current.rv() < 0 ? "" : Long.toString(current.rv());
    if (o.uid() != null && !o.uid().equals(curUid)) {
      throw StatusException.conflict(type, name, "Precondition failed: UID in precondition: " + o.uid()
          + ", UID in object meta: " + curUid);
    }
    if (o.resourceVersion() != null && !o.resourceVersion().equals(curRv)) {
      throw StatusException.conflict(type, name, "Precondition failed: ResourceVersion in precondition: "
          + o.resourceVersion() + ", ResourceVersion in object meta: " + curRv);
    }
    if (body == null) {
      return;
    }
    JsonNode m = body.path("metadata");
    String uid = m.path("uid").asText("");
    if (!uid.isEmpty() && !uid.equals(curUid)) {
      throw StatusException.conflict(type, name, "Precondition failed: UID in precondition: " + uid
          + ", UID in object meta: " + curUid);
    }
    String rv = m.path("resourceVersion").asText("");
    if (!rv.isEmpty() && !rv.equals(curRv)) {
      throw StatusException.conflict(type, name, MODIFIED);
    }
  }

  /** Whether the object carries a deletionTimestamp. */
  static boolean deleting(ObjectNode obj) {
    return !obj.path("metadata").path("deletionTimestamp").asText("").isEmpty();
  }

  /**
   * Whether the object has at least one finalizer. A Namespace's {@code spec.finalizers} (the
   * namespace controller's {@code kubernetes}) hold its deletion too, as in kube-apiserver.
   */
  static boolean hasFinalizers(ObjectNode obj) {
    JsonNode f = obj.path("metadata").path("finalizers");
    if (f.isArray() && !f.isEmpty()) {
      return true;
    }
    JsonNode spec = obj.path("spec").path("finalizers");
    return "Namespace".equals(obj.path("kind").asText("")) && spec.isArray() && !spec.isEmpty();
  }
}
