package io.dekube.controllermanager.resourcequota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.quota.Quantities.Amount;
import io.dekube.core.quota.QuotaEvaluator;
import io.dekube.core.quota.QuotaUsage;
import io.dekube.core.quota.ResourceLists;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaStatus;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's resourcequota controller: keeps each ResourceQuota's {@code status.hard} (its
 * {@code spec.hard}) and {@code status.used} current, so that {@code kubectl get/describe quota}
 * show the usage. A quota is synced when it changes, when an object of a counted kind changes in
 * its namespace (the work queue coalesces a burst into one sync per quota) and at every resync.
 * Usage is summed from the informers of the counted kinds with the same evaluators the writer's
 * admission uses ({@code core.quota}); the status is written only when it changed. Resource names
 * no evaluator here tracks keep the usage already reported. Syncs run on the loop's context.
 *
 * <p>The admission does not read this status (it counts from the writer's own state), so the
 * status may lag behind a burst of creates for a moment without letting anything through.
 */
public final class ResourceQuotaController implements Reconciler {

  private static final Logger LOG = LoggerFactory.getLogger(ResourceQuotaController.class);

  /** The kinds whose usage the controller reports, those that are served (bus resource names). */
  static final List<String> COUNTED = List.of("pods", "services", "configmaps", "secrets", "resourcequotas",
      "persistentvolumeclaims", "replicationcontrollers", "serviceaccounts", "deployments.apps", "replicasets.apps",
      "statefulsets.apps", "daemonsets.apps", "jobs.batch", "cronjobs.batch", "ingresses.networking.k8s.io",
      "poddisruptionbudgets.policy");

  private final ControllerContext ctx;
  private final ResourceType quotaType;
  private final Lister<ResourceQuota> quotas;
  private final Map<String, QuotaEvaluator> evaluators = new LinkedHashMap<>();

  public ResourceQuotaController(ControllerContext ctx) {
    this.ctx = ctx;
    this.quotaType = ctx.type("resourcequotas");
    this.quotas = ctx.lister("resourcequotas", ResourceQuota.class);
    for (String r : served(ctx)) {
      ResourceType t = ctx.type(r);
      evaluators.put(r, QuotaEvaluator.of(t.group(), t.plural()));
    }
  }

  /** The counted kinds this cluster serves. */
  public static List<String> served(ControllerContext ctx) {
    return served(ctx.registry());
  }

  /** The counted kinds {@code registry} serves. */
  public static List<String> served(io.dekube.core.model.ResourceRegistry registry) {
    return COUNTED.stream().filter(r -> registry.byResourceName(r).isPresent()).toList();
  }

  /** The loop over quotas, also woken by changes of the counted kinds in a quota's namespace. */
  public ControllerLoop loop(Duration resync, int workers) {
    ControllerLoop loop = new ControllerLoop(ctx.vertx(), "resourcequota", this, quotas.cache(), resync, workers);
    for (String r : evaluators.keySet()) {
      if (!r.equals("resourcequotas")) {
        loop.watch(ctx.cache(r), this::quotasOfNamespace);
      }
    }
    // the quotas of a namespace count each other (resourcequotas, count/resourcequotas)
    loop.watch(quotas.cache(), this::quotasOfNamespace);
    return loop;
  }

  private List<ObjectKey> quotasOfNamespace(ObjectNode obj) {
    String ns = obj.path("metadata").path("namespace").asText("");
    List<ObjectKey> keys = new ArrayList<>();
    for (ObjectNode q : quotas.cache().list(ns)) {
      keys.add(ObjectKey.of(q));
    }
    return keys;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    ResourceQuota quota = quotas.get(key);
    if (quota == null || quota.getMetadata().getDeletionTimestamp() != null) {
      return Future.succeededFuture();
    }
    ResourceQuotaStatus next = status(quota, ctx.clock().instant());
    if (same(quota.getStatus(), next)) {
      return Future.succeededFuture();
    }
    ResourceQuota updated = Typed.from(Typed.tree(quota), ResourceQuota.class);
    updated.setStatus(next);
    LOG.debug("resourcequota: status of {} now used {}", key, next.getUsed());
    return ctx.store().updateStatus(quotaType, Typed.tree(updated),
            WriteOptions.none().withResourceVersion(quota.getMetadata().getResourceVersion()))
        .<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && se.code() == 404
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** The status the quota should have now: hard = spec.hard, used summed over the counted kinds. */
  ResourceQuotaStatus status(ResourceQuota quota, Instant now) {
    ObjectNode tree = Typed.tree(quota);
    JsonNode hardJson = tree.path("spec").path("hard");
    TreeMap<String, Amount> hard = ResourceLists.of(hardJson);
    TreeMap<String, Amount> used = new TreeMap<>();
    if (quota.getStatus() != null && quota.getStatus().getUsed() != null) {
      used.putAll(ResourceLists.of(tree.path("status").path("used"))); // kept for names nothing here tracks
    }
    String ns = quota.getMetadata().getNamespace();
    for (Map.Entry<String, QuotaEvaluator> e : evaluators.entrySet()) {
      ObjectCache cache = ctx.cache(e.getKey());
      used.putAll(QuotaUsage.used(e.getValue(), tree, cache.list(ns), now));
    }
    used = ResourceLists.mask(used, hard.keySet());
    return new ResourceQuotaStatus(quantities(hard), quantities(used));
  }

  private static Map<String, Quantity> quantities(Map<String, Amount> list) {
    Map<String, Quantity> out = new TreeMap<>();
    list.forEach((k, v) -> out.put(k, new Quantity(v.toString())));
    return out;
  }

  private static boolean same(ResourceQuotaStatus current, ResourceQuotaStatus next) {
    if (current == null) {
      return false;
    }
    return Objects.equals(texts(current.getHard()), texts(next.getHard()))
        && Objects.equals(texts(current.getUsed()), texts(next.getUsed()));
  }

  private static Map<String, String> texts(Map<String, Quantity> list) {
    Map<String, String> out = new TreeMap<>();
    if (list != null) {
      list.forEach((k, v) -> out.put(k, v.toString()));
    }
    return out;
  }
}
