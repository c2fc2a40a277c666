package io.dekube.controllermanager.gc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's garbage collector over ownerReferences, for the owner and dependent kinds the built-in
 * controllers create, and those of plugin controllers (their primary kinds own, the kinds they
 * {@code watchOwned} are owned). A dependent whose owners are all gone (confirmed by a read from the store,
 * not the cache) is deleted; one that lost some owners drops their references. An owner deleted
 * with {@code propagationPolicy=Foreground} keeps its {@code foregroundDeletion} finalizer until its
 * blocking dependents (blockOwnerDeletion) are gone, deleting them in the foreground too; one
 * deleted with {@code Orphan} has its references removed from its dependents, then its
 * {@code orphan} finalizer. Keys are {@code <resource>|<namespace>/<name>}. Syncs run on the loop's
 * context.
 */
public final class GarbageCollector implements Reconciler {

  static final String FOREGROUND = "foregroundDeletion";
  static final String ORPHAN = "orphan";
  /** The resources whose objects own others. */
  public static final List<String> OWNERS = List.of("deployments.apps", "replicasets.apps", "replicationcontrollers",
      "services", "daemonsets.apps", "statefulsets.apps", "jobs.batch", "cronjobs.batch");
  /** The resources whose objects are owned. */
  public static final List<String> DEPENDENTS = List.of("replicasets.apps", "pods", "endpointslices.discovery.k8s.io",
      "controllerrevisions.apps", "jobs.batch", "persistentvolumeclaims");

  private final ControllerContext ctx;
  private final List<String> owners;
  private final List<String> dependents;
  private ControllerLoop loop;

  public GarbageCollector(ControllerContext ctx) {
    this(ctx, List.of(), List.of());
  }

  /** The built-in kinds, plus {@code moreOwners} and {@code moreDependents} (the plugin controllers'). */
  public GarbageCollector(ControllerContext ctx, List<String> moreOwners, List<String> moreDependents) {
    this.ctx = ctx;
    this.owners = union(OWNERS, moreOwners);
    this.dependents = union(DEPENDENTS, moreDependents);
  }

  /** The loop: every owner and dependent change becomes a key of the object, and of its owners or dependents. */
  public ControllerLoop loop(Duration resync, int workers) {
    ObjectCache primary = ctx.cache("replicasets.apps");
    loop = new ControllerLoop(ctx.vertx(), "garbagecollector", this, primary, Duration.ZERO, workers);
    for (String r : union(owners, dependents)) {
      loop.watch(ctx.cache(r), handler(r));
    }
    return loop;
  }

  /** Every resource of {@code a}, then those of {@code b} not in {@code a}. */
  public static List<String> union(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    b.stream().filter(d -> !all.contains(d)).forEach(all::add);
    return all;
  }

  static ObjectKey key(String resource, ObjectNode o) {
    ObjectKey k = ObjectKey.of(o);
    return new ObjectKey(resource + "|" + k.namespace(), k.name());
  }

  private InformerHandler handler(String resource) {
    return new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        changed(resource, object);
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        changed(resource, newObject);
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        enqueueDependents(last);
        enqueueOwners(last); // an owner deleted in the foreground waits for this one to be gone
      }
    };
  }

  private void changed(String resource, ObjectNode o) {
    if (o.path("metadata").path("ownerReferences").size() > 0) {
      enqueue(key(resource, o));
      enqueueOwners(o);
    }
    if (!o.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
      enqueue(key(resource, o));
    }
  }

  private void enqueueOwners(ObjectNode o) {
    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
      ownerResource(ref).ifPresent(t -> enqueue(new ObjectKey(t.resourceName() + "|"
          + o.path("metadata").path("namespace").asText(""), ref.path("name").asText())));
    }
  }

  private void enqueue(ObjectKey k) {
    if (loop != null) {
      loop.enqueue(k);
    }
  }

  private void enqueueDependents(ObjectNode owner) {
    for (Dependent d : dependentsOf(owner)) {
      enqueue(key(d.resource(), d.object()));
    }
  }

  private record Dependent(String resource, ObjectNode object) {
  }

  private List<Dependent> dependentsOf(ObjectNode owner) {
    String uid = owner.path("metadata").path("uid").asText();
    String ns = owner.path("metadata").path("namespace").asText("");
    List<Dependent> out = new ArrayList<>();
    for (String r : dependents) {
      for (ObjectNode o : ctx.cache(r).list(ns)) {
        for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
          if (uid.equals(ref.path("uid").asText())) {
            out.add(new Dependent(r, o));
          }
        }
      }
    }
    return out;
  }

  private java.util.Optional<ResourceType> ownerResource(JsonNode ref) {
    String apiVersion = ref.path("apiVersion").asText();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return ctx.registry().byGroupKind(group, ref.path("kind").asText());
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    int bar = key.namespace().indexOf('|');
    if (bar < 0) {
      return Future.succeededFuture(); // the primary informer's plain keys: every change also comes as a GC key
    }
    String resource = key.namespace().substring(0, bar);
    ResourceType type = ctx.type(resource);
    ObjectKey objKey = new ObjectKey(key.namespace().substring(bar + 1), key.name());
    ObjectNode o = ctx.cache(resource).get(objKey);
    if (o == null) {
      return Future.succeededFuture();
    }
    return ownerSide(type, o).compose(v -> dependentSide(type, o));
  }

  /** An owner being deleted in the foreground or orphaning: act on its dependents, then drop the finalizer. */
  private Future<Void> ownerSide(ResourceType type, ObjectNode owner) {
    boolean foreground = hasFinalizer(owner, FOREGROUND);
    boolean orphan = hasFinalizer(owner, ORPHAN);
    if (owner.path("metadata").path("deletionTimestamp").asText("").isEmpty() || (!foreground && !orphan)) {
      return Future.succeededFuture();
    }
    String uid = owner.path("metadata").path("uid").asText();
    List<Dependent> deps = dependentsOf(owner);
    if (orphan) {
      List<Future<?>> patches = new ArrayList<>();
      for (Dependent d : deps) {
        patches.add(removeRefs(ctx.type(d.resource()), d.object(), List.of(uid)));
      }
      return Future.all(patches).compose(v -> removeFinalizer(type, owner, ORPHAN));
    }
    List<Future<?>> deletes = new ArrayList<>();
    boolean blocking = false;
    for (Dependent d : deps) {
      boolean blocks = false;
      for (JsonNode ref : d.object().path("metadata").path("ownerReferences")) {
        blocks |= uid.equals(ref.path("uid").asText()) && ref.path("blockOwnerDeletion").asBoolean(false);
      }
      blocking |= blocks;
      if (d.object().path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
        deletes.add(delete(ctx.type(d.resource()), d.object(),
            owners.contains(d.resource()) ? "Foreground" : "Background"));
      }
    }
    if (!blocking) {
      return Future.join(deletes).transform(ar -> removeFinalizer(type, owner, FOREGROUND));
    }
    return Future.join(deletes).mapEmpty();
  }

  /** A dependent: delete it when every owner is gone, drop the references of those that are. */
  private Future<Void> dependentSide(ResourceType type, ObjectNode dep) {
    JsonNode refs = dep.path("metadata").path("ownerReferences");
    if (refs.isEmpty() || !dep.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
      return Future.succeededFuture();
    }
    String ns = dep.path("metadata").path("namespace").asText("");
    List<Future<String>> checks = new ArrayList<>();
    for (JsonNode ref : refs) {
      checks.add(ownerState(ref, ns));
    }
    return Future.all(checks).compose(all -> {
      List<String> gone = new ArrayList<>();
      boolean foregroundOwner = false;
      for (int i = 0; i < refs.size(); i++) {
        String state = all.resultAt(i);
        if ("gone".equals(state)) {
          gone.add(refs.get(i).path("uid").asText());
        }
        foregroundOwner |= "foreground".equals(state) && refs.get(i).path("blockOwnerDeletion").asBoolean(false);
      }
      if (gone.size() == refs.size()) {
        return delete(type, dep, "Background");
      }
      if (!gone.isEmpty()) {
        return removeRefs(type, dep, gone);
      }
      return foregroundOwner ? delete(type, dep, owners.contains(type.resourceName()) ? "Foreground" : "Background")
          : Future.succeededFuture();
    });
  }

  /** "present", "foreground" (being deleted in the foreground) or "gone" (read from the store). */
  private Future<String> ownerState(JsonNode ref, String ns) {
    var t = ownerResource(ref);
    if (t.isEmpty()) {
      return Future.succeededFuture("present");
    }
    String uid = ref.path("uid").asText();
    ObjectNode cached = t.get().namespaced() || ns.isEmpty() ? ctx.caches().apply(t.get())
        .get(new ObjectKey(t.get().namespaced() ? ns : "", ref.path("name").asText())) : null;
    if (cached != null && uid.equals(cached.path("metadata").path("uid").asText())) {
      return Future.succeededFuture(state(cached));
    }
    return ctx.store().get(t.get(), t.get().namespaced() ? ns : "", ref.path("name").asText())
        .map(o -> uid.equals(o.path("metadata").path("uid").asText()) ? state(o) : "gone")
        .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture("gone")
            : Future.failedFuture(e));
  }

  private static String state(ObjectNode owner) {
    return !owner.path("metadata").path("deletionTimestamp").asText("").isEmpty() && hasFinalizer(owner, FOREGROUND)
        ? "foreground" : "present";
  }

  private static boolean hasFinalizer(ObjectNode o, String f) {
    for (JsonNode x : o.path("metadata").path("finalizers")) {
      if (f.equals(x.asText())) {
        return true;
      }
    }
    return false;
  }

  private Future<Void> delete(ResourceType t, ObjectNode o, String policy) {
    return ctx.store().delete(t, o.path("metadata").path("namespace").asText(""), o.path("metadata").path("name").asText(),
            WriteOptions.none().withUid(o.path("metadata").path("uid").asText()).withPropagationPolicy(policy))
        .<Void>mapEmpty().recover(e -> e instanceof StatusException se && (se.code() == 404 || se.code() == 409)
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private Future<Void> removeRefs(ResourceType t, ObjectNode o, List<String> uids) {
    ObjectNode patch = Json.object();
    ArrayNode keep = patch.putObject("metadata").putArray("ownerReferences");
    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
      if (!uids.contains(ref.path("uid").asText())) {
        keep.add(ref);
      }
    }
    if (keep.isEmpty()) {
      ((ObjectNode) patch.get("metadata")).putNull("ownerReferences");
    }
    return ctx.store().patch(t, o.path("metadata").path("namespace").asText(""), o.path("metadata").path("name").asText(),
            Patches.MERGE, patch, WriteOptions.none().withUid(o.path("metadata").path("uid").asText()))
        .<Void>mapEmpty().recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture()
            : Future.failedFuture(e));
  }

  private Future<Void> removeFinalizer(ResourceType t, ObjectNode o, String f) {
    ObjectNode patch = Json.object();
    ArrayNode keep = patch.putObject("metadata").putArray("finalizers");
    for (JsonNode x : o.path("metadata").path("finalizers")) {
      if (!f.equals(x.asText())) {
        keep.add(x);
      }
    }
    return ctx.store().patch(t, o.path("metadata").path("namespace").asText(""), o.path("metadata").path("name").asText(),
            Patches.MERGE, patch, WriteOptions.none().withUid(o.path("metadata").path("uid").asText()))
        .<Void>mapEmpty().recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture()
            : Future.failedFuture(e));
  }
}
