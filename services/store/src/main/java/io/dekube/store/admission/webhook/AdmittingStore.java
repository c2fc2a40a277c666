package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.ScaleObjects;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store of a component that writes on the bus (controllers, scheduler, kubelets, ingest), with
 * the admission webhooks in front of every write, as kube-apiserver runs them for every client: the
 * same {@link WebhookAdmission} the apiserver calls, with this component's {@code userInfo}.
 *
 * <p>A create is admitted on its object; an update, a status update and a delete on the current
 * object of the informer (brought up to date first) as {@code oldObject}; a patch on the object it
 * yields ({@link AdmittedPatch}: applied to the current object, written with its resourceVersion as
 * precondition, run again on a conflict); a pod binding ({@code binding} subresource) as kube's
 * {@code CREATE pods/binding} of a {@code Binding}, whose target node a mutating webhook may change.
 * Denials and failed calls fail the write with the apiserver's Status (400/403... and 500), so the
 * component retries it with its own back-off. Webhook warnings are logged, as client-go logs them.
 *
 * <p>When no webhook's rules match the operation on the resource (or subresource), which is the
 * common case, a call goes straight to the wrapped store: no extra read, no extra round trip. Reads pass through. Futures complete on
 * the caller's Vert.x context. Thread-safe.
 */
public final class AdmittingStore implements StoreApi {

  private static final Logger LOG = LoggerFactory.getLogger(AdmittingStore.class);
  private static final AdmissionAttributes.ObjectKind BINDING = new AdmissionAttributes.ObjectKind("", "v1", "Binding");
  private static final AdmissionAttributes.ObjectKind SCALE = new AdmissionAttributes.ObjectKind("autoscaling", "v1",
      "Scale");

  private final Vertx vertx;
  private final StoreApi store;
  private final WebhookAdmission webhooks;
  private final Function<ResourceType, Informer> informers;
  private final UserInfo user;
  private final AuditAnnotations annotations;
  private final Function<ResourceType, CustomKind.Scale> scalePaths;

  /**
   * @param store     where admitted writes go
   * @param webhooks  the started webhook admission of the process
   * @param informers the shared informer of each resource (the current objects)
   * @param user      who writes: the {@code userInfo} the webhooks get
   */
  public AdmittingStore(Vertx vertx, StoreApi store, WebhookAdmission webhooks,
                        Function<ResourceType, Informer> informers, UserInfo user) {
    this(vertx, store, webhooks, informers, user, AuditAnnotations.NONE, t -> null);
  }

  /**
   * As above; {@code scalePaths} gives a custom kind's {@code subresources.scale} paths (null for a built-in kind),
   * for the Scales its {@code scale} writes are admitted as.
   */
  public AdmittingStore(Vertx vertx, StoreApi store, WebhookAdmission webhooks,
                        Function<ResourceType, Informer> informers, UserInfo user,
                        Function<ResourceType, CustomKind.Scale> scalePaths) {
    this(vertx, store, webhooks, informers, user, AuditAnnotations.NONE, scalePaths);
  }

  private AdmittingStore(Vertx vertx, StoreApi store, WebhookAdmission webhooks,
                         Function<ResourceType, Informer> informers, UserInfo user, AuditAnnotations annotations,
                         Function<ResourceType, CustomKind.Scale> scalePaths) {
    this.vertx = vertx;
    this.store = store;
    this.webhooks = webhooks;
    this.informers = informers;
    this.user = user;
    this.annotations = annotations;
    this.scalePaths = scalePaths;
  }

  /**
   * This store for one audited call: the audit annotations admission adds to the call go to {@code kept}, as kube's
   * admission adds them to the request's audit event (the bus audit's {@code AuditedStore} asks for it per call).
   */
  public AdmittingStore annotating(AuditAnnotations kept) {
    return new AdmittingStore(vertx, store, webhooks, informers, user, kept, scalePaths);
  }

  /** The user the webhooks are told about. */
  public UserInfo user() {
    return user;
  }

  @Override
  public Future<ObjectNode> get(ResourceType t, String namespace, String name) {
    return store.get(t, namespace, name);
  }

  @Override
  public Future<ObjectNode> list(ResourceType t, String namespace) {
    return store.list(t, namespace);
  }

  @Override
  public Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o) {
    if (!webhooks.mayApply(t, AdmissionAttributes.CREATE, "")) {
      return store.create(t, namespace, obj, o);
    }
    String name = obj.path("metadata").path("name").asText("");
    AdmissionAttributes a = attributes(t, AdmissionAttributes.CREATE, "", namespace, name, obj, null, o,
        "CreateOptions", null);
    return onCaller(webhooks.create(a, admitted -> {
      logWarnings(a, admitted);
      return store.create(t, namespace, admitted.object(), admitted.serverFields() == null ? o
          : o.withServerFields(admitted.serverFields()));
    }));
  }

  @Override
  public Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o) {
    return replace(t, obj, o, "");
  }

  @Override
  public Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o) {
    return replace(t, obj, o, "status");
  }

  private Future<ObjectNode> replace(ResourceType t, ObjectNode obj, WriteOptions o, String subresource) {
    boolean status = subresource.equals("status");
    if (!mayApply(t, subresource, AdmissionAttributes.UPDATE, AdmissionAttributes.CREATE)) {
      return status ? store.updateStatus(t, obj, o) : store.update(t, obj, o);
    }
    String namespace = obj.path("metadata").path("namespace").asText("");
    String name = obj.path("metadata").path("name").asText("");
    return onCaller(current(t, namespace, name).compose(old -> {
      String op = old == null ? AdmissionAttributes.CREATE : AdmissionAttributes.UPDATE;
      return admit(t, op, subresource, namespace, name, obj, old, o, "UpdateOptions");
    }).compose(admitted -> status ? store.updateStatus(t, admitted, o) : store.update(t, admitted, o)));
  }

  @Override
  public Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                                  WriteOptions o) {
    String subresource = o.subresource() == null ? "" : o.subresource();
    boolean binding = subresource.equals("binding");
    if (binding ? !webhooks.mayApply(t, AdmissionAttributes.CREATE, subresource)
        : !mayApply(t, subresource, AdmissionAttributes.UPDATE, patchType.equals(Patches.APPLY)
            ? AdmissionAttributes.CREATE : AdmissionAttributes.UPDATE)) {
      return store.patch(t, namespace, name, patchType, patch, o);
    }
    if (binding) {
      return onCaller(bind(t, namespace, name, patchType, patch, o));
    }
    if (subresource.equals("scale")) {
      return onCaller(scale(t, namespace, name, patchType, patch, o));
    }
    return onCaller(AdmittedPatch.run(new AdmittedPatch.Request(store, () -> current(t, namespace, name), t,
        namespace, name, subresource, patchType, patch, o,
        (op, patched, current) -> admitted(t, op, subresource, namespace, name, patched, current, o,
            patchOptionsKind(op)))));
  }

  /**
   * A binding, as kube admits {@code POST pods/NAME/binding}: a {@code CREATE} of the pod's
   * {@code binding} subresource with a {@code Binding} to the node; a mutating webhook's node counts.
   */
  private Future<ObjectNode> bind(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                                  WriteOptions o) {
    String node = patch.path("spec").path("nodeName").asText("");
    ObjectNode binding = Json.object().put("kind", "Binding").put("apiVersion", "v1");
    ObjectNode meta = binding.putObject("metadata").put("name", name).put("namespace", namespace);
    if (o.uid() != null) {
      meta.put("uid", o.uid());
    }
    binding.putObject("target").put("kind", "Node").put("apiVersion", "v1").put("name", node);
    return admitted(t, AdmissionAttributes.CREATE, "binding", namespace, name, binding, null, o, "CreateOptions",
        BINDING).map(WebhookAdmission.Admitted::object).compose(admitted -> {
          String target = admitted.path("target").path("name").asText(node);
          if (target.equals(node)) {
            return store.patch(t, namespace, name, patchType, patch, o);
          }
          ObjectNode moved = Json.object();
          moved.putObject("spec").put("nodeName", target);
          return store.patch(t, namespace, name, patchType, moved, o);
        });
  }

  /**
   * A write of the {@code scale} subresource (the HPA controller's), as kube's scale client sends it and its apiserver
   * admits it: an {@code UPDATE} of {@code <resource>/scale} with the {@code autoscaling/v1} Scale the patched parent
   * has as {@code object} and the current one's as {@code oldObject}; a mutating webhook's replicas count. Written
   * conditioned on the resourceVersion the webhooks saw (unless the caller gave one); a conflict is the caller's to
   * retry, as kube's scale client's.
   */
  private Future<ObjectNode> scale(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                                   WriteOptions o) {
    CustomKind.Scale paths = scalePaths.apply(t);
    return current(t, namespace, name).compose(current -> {
      if (current == null) {
        return store.patch(t, namespace, name, patchType, patch, o); // the 404
      }
      ObjectNode patched = Patches.apply(patchType, current, patch, t, o);
      ObjectNode scale = ScaleObjects.of(patched, paths);
      int asked = scale.path("spec").path("replicas").asInt();
      WriteOptions conditioned = o.resourceVersion() != null ? o
          : o.withResourceVersion(current.path("metadata").path("resourceVersion").asText(null));
      return admitted(t, AdmissionAttributes.UPDATE, "scale", namespace, name, scale, ScaleObjects.of(current, paths),
          o, "UpdateOptions", SCALE).compose(admitted -> {
            int replicas = admitted.object().path("spec").path("replicas").asInt(asked);
            return replicas == asked ? store.patch(t, namespace, name, patchType, patch, conditioned)
                : store.patch(t, namespace, name, Patches.MERGE, ScaleObjects.replicasPatch(
                    ScaleObjects.replicasPath(paths), replicas), conditioned);
          });
    });
  }

  @Override
  public Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o) {
    if (!webhooks.mayApply(t, AdmissionAttributes.DELETE, "")) {
      return store.delete(t, namespace, name, o);
    }
    return onCaller(current(t, namespace, name).<ObjectNode>compose(old -> old == null ? Future.succeededFuture()
            : admit(t, AdmissionAttributes.DELETE, "", namespace, name, null, old, o, "DeleteOptions"))
        .compose(v -> store.delete(t, namespace, name, o)));
  }

  /** Whether a webhook's rules match either operation (which one it is depends on the current object). */
  private boolean mayApply(ResourceType t, String subresource, String operation, String orOperation) {
    return webhooks.mayApply(t, operation, subresource) || webhooks.mayApply(t, orOperation, subresource);
  }

  /** The object as the informer has it once it read the store's end (null when there is none). */
  private Future<ObjectNode> current(ResourceType t, String namespace, String name) {
    Informer informer = informers.apply(t);
    return informer.waitForCurrent().map(v -> informer.get(namespace, name));
  }

  /** Runs the webhooks; answers the object to write (as the mutating ones left it). */
  private Future<ObjectNode> admit(ResourceType t, String op, String subresource, String namespace, String name,
                                   ObjectNode obj, ObjectNode old, WriteOptions o, String optionsKind) {
    return admitted(t, op, subresource, namespace, name, obj, old, o, optionsKind)
        .map(WebhookAdmission.Admitted::object);
  }

  /** Runs the webhooks; answers the object to write and a create's server fields, warnings logged. */
  private Future<WebhookAdmission.Admitted> admitted(ResourceType t, String op, String subresource, String namespace,
                                                     String name, ObjectNode obj, ObjectNode old, WriteOptions o,
                                                     String optionsKind) {
    return admitted(t, op, subresource, namespace, name, obj, old, o, optionsKind, null);
  }

  /** As above, about objects of {@code kind} (a subresource's own kind; null: {@code t}'s). */
  private Future<WebhookAdmission.Admitted> admitted(ResourceType t, String op, String subresource, String namespace,
                                                     String name, ObjectNode obj, ObjectNode old, WriteOptions o,
                                                     String optionsKind, AdmissionAttributes.ObjectKind kind) {
    AdmissionAttributes a = attributes(t, op, subresource, namespace, name, obj, old, o, optionsKind, kind);
    return webhooks.admit(a).map(admitted -> {
      logWarnings(a, admitted);
      return admitted;
    });
  }

  private AdmissionAttributes attributes(ResourceType t, String op, String subresource, String namespace, String name,
                                         ObjectNode obj, ObjectNode old, WriteOptions o, String optionsKind,
                                         AdmissionAttributes.ObjectKind kind) {
    // kube's attributes name a Namespace's own name as the namespace of a request on it
    String ns = t.group().isEmpty() && t.plural().equals("namespaces") ? name : namespace;
    return new AdmissionAttributes(op, t, t.apiVersion(), subresource, ns, name, obj, old, o.dryRun(),
        options(optionsKind, o), user, kind, annotations);
  }

  /** Webhook warnings, logged as client-go logs them. */
  private void logWarnings(AdmissionAttributes a, WebhookAdmission.Admitted admitted) {
    admitted.warnings().forEach(w -> LOG.warn("Warning: {} ({} {} {}/{} by {})", w, a.operation(),
        a.type().resourceName(), a.namespace(), a.name(), user.name()));
  }

  /**
   * The options a patch is admitted with: kube's patch handler converts its PatchOptions to the {@code UpdateOptions}
   * of the update it makes, or to {@code CreateOptions} when a server-side apply creates the object.
   */
  public static String patchOptionsKind(String operation) {
    return operation.equals(AdmissionAttributes.CREATE) ? "CreateOptions" : "UpdateOptions";
  }

  /** The {@code CreateOptions}, {@code UpdateOptions} or {@code DeleteOptions} of a write. */
  static ObjectNode options(String kind, WriteOptions o) {
    ObjectNode n = Json.object().put("kind", kind).put("apiVersion", "meta.k8s.io/v1");
    if (o.dryRun()) {
      n.putArray("dryRun").add("All");
    }
    if (kind.equals("DeleteOptions")) {
      if (o.gracePeriodSeconds() != null) {
        n.put("gracePeriodSeconds", o.gracePeriodSeconds());
      }
      if (o.propagationPolicy() != null) {
        n.put("propagationPolicy", o.propagationPolicy());
      }
      if (o.uid() != null || o.resourceVersion() != null) {
        n.set("preconditions", o.preconditionsJson());
      }
    } else if (o.fieldManager() != null) {
      n.put("fieldManager", o.fieldManager());
    }
    return n;
  }

  /** {@code f}, completed on the caller's context (the informer's reads and the webhook calls may end elsewhere). */
  private <T> Future<T> onCaller(Future<T> f) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> {
      if (Vertx.currentContext() == caller) {
        p.handle(ar);
      } else {
        caller.runOnContext(v -> p.handle(ar));
      }
    });
    return p.future();
  }
}
