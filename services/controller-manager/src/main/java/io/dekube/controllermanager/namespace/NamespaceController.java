package io.dekube.controllermanager.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Times;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * kube's namespace controller: a Namespace being deleted is {@code Terminating}; every namespaced
 * object of every resource the registry knows is deleted from it (Background propagation); while
 * some remain the status says so in kube's conditions and the namespace is checked again; once
 * empty the {@code kubernetes} finalizer is removed and the store deletes the Namespace. Works on
 * JSON trees because it touches every kind. Syncs run on the loop's context.
 */
public final class NamespaceController implements Reconciler {

  static final String FINALIZER = "kubernetes";
  private static final Duration RECHECK = Duration.ofSeconds(2);

  private final ControllerContext ctx;
  private final ResourceType nsType;
  private final ObjectCache namespaces;
  private ControllerLoop loop;

  public NamespaceController(ControllerContext ctx) {
    this.ctx = ctx;
    this.nsType = ctx.type("namespaces");
    this.namespaces = ctx.cache("namespaces");
  }

  /** The loop over Namespaces. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "namespace", this, namespaces, resync, workers);
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    ObjectNode ns = namespaces.get(key);
    if (ns == null || ns.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
      return Future.succeededFuture();
    }
    String name = key.name();
    return deleteContent(name).compose(remaining -> remaining.isEmpty()
        ? finalizeNamespace(ns)
        : writeStatus(ns, remaining).onSuccess(v -> {
          if (loop != null) {
            loop.enqueueAfter(key, RECHECK);
          }
        }));
  }

  /** Lists every namespaced resource in the namespace and deletes what is there; answers what remains per resource. */
  private Future<Map<String, Integer>> deleteContent(String namespace) {
    Map<String, Integer> remaining = new TreeMap<>();
    List<Future<Void>> all = new ArrayList<>();
    for (ResourceType t : ctx.registry().all()) {
      if (!t.namespaced()) {
        continue;
      }
      all.add(ctx.store().list(t, namespace).compose(list -> {
        JsonNode items = list.path("items");
        if (items.isEmpty()) {
          return Future.succeededFuture();
        }
        synchronized (remaining) {
          remaining.put(t.resourceName(), items.size());
        }
        List<Future<?>> deletes = new ArrayList<>();
        for (JsonNode o : items) {
          if (!o.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
            continue;
          }
          deletes.add(ctx.store().delete(t, namespace, o.path("metadata").path("name").asText(),
              WriteOptions.none().withPropagationPolicy("Background")).recover(e ->
              e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture() : Future.failedFuture(e)));
        }
        return Future.join(deletes).<Void>mapEmpty().recover(e -> Future.succeededFuture());
      }, e -> Future.succeededFuture()));
    }
    return Future.join(all).map(remaining).recover(e -> Future.succeededFuture(remaining));
  }

  private Future<Void> finalizeNamespace(ObjectNode ns) {
    ObjectNode next = ns.deepCopy();
    ArrayNode kept = ((ObjectNode) next.with("spec")).putArray("finalizers");
    for (JsonNode f : ns.path("spec").path("finalizers")) {
      if (!FINALIZER.equals(f.asText())) {
        kept.add(f);
      }
    }
    return ctx.store().update(nsType, next, WriteOptions.none().withSubresource("finalize")).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture()
            : Future.failedFuture(e));
  }

  /** Phase Terminating and kube's content conditions. */
  private Future<Void> writeStatus(ObjectNode ns, Map<String, Integer> remaining) {
    ObjectNode next = ns.deepCopy();
    ObjectNode status = next.with("status");
    status.put("phase", "Terminating");
    StringBuilder msg = new StringBuilder("Some resources are remaining: ");
    List<String> parts = new ArrayList<>();
    remaining.forEach((r, n) -> parts.add(r + " has " + n + " resource instances"));
    msg.append(String.join(", ", parts));
    ArrayNode conds = status.putArray("conditions");
    String now = Times.format(ctx.clock().instant());
    condition(conds, "NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered",
        "All resources successfully discovered", now);
    condition(conds, "NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions",
        "All legacy kube types successfully parsed", now);
    condition(conds, "NamespaceDeletionContentFailure", "False", "ContentDeleted",
        "All content successfully deleted, may be waiting on finalization", now);
    condition(conds, "NamespaceContentRemaining", "True", "SomeResourcesRemain", msg.toString(), now);
    condition(conds, "NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers",
        "All content-preserving finalizers finished", now);
    if (ns.path("status").equals(status)) {
      return Future.succeededFuture();
    }
    JsonNode old = ns.path("status").path("conditions");
    if (old.size() == conds.size() && sameExceptTimes(old, conds) && "Terminating".equals(ns.path("status").path("phase").asText())) {
      return Future.succeededFuture();
    }
    return ctx.store().updateStatus(nsType, next, WriteOptions.none()).mapEmpty();
  }

  private static boolean sameExceptTimes(JsonNode a, JsonNode b) {
    for (int i = 0; i < a.size(); i++) {
      ObjectNode x = a.get(i).deepCopy();
      ObjectNode y = b.get(i).deepCopy();
      x.remove("lastTransitionTime");
      y.remove("lastTransitionTime");
      if (!x.equals(y)) {
        return false;
      }
    }
    return true;
  }

  private static void condition(ArrayNode conds, String type, String status, String reason, String message, String now) {
    conds.addObject().put("type", type).put("status", status).put("lastTransitionTime", now).put("reason", reason)
        .put("message", message);
  }
}
