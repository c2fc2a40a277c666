package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.apiserver.rest.backend.ObjectStore;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The eviction subresource's budget check, as kube-apiserver's eviction REST does it: a pod that is
 * Pending, finished or already being deleted is deleted whatever its budget says; a pod selected by
 * no PodDisruptionBudget too; more than one budget is a 500. Otherwise the budget must allow a
 * disruption (and have observed its current generation), or the eviction is 429 TooManyRequests
 * with a {@code DisruptionBudget} cause; when it does, {@code disruptionsAllowed} is decremented and
 * the pod recorded in {@code disruptedPods} by a status write preconditioned on the budget's
 * resourceVersion (a conflict re-reads and retries), then the pod is deleted. A pod that is not
 * Ready is deleted without spending the budget when the budget is healthy (IfHealthyBudget) or its
 * policy is AlwaysAllow. Before the delete the pod gets kube's {@code DisruptionTarget} condition
 * ({@code EvictionByEvictionAPI}, "Eviction API: evicting"), which a Job's podFailurePolicy can match.
 * Runs on the request's event loop.
 */
final class Evictions {

  static final String VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget.";
  private static final int RETRIES = 5;

  private final ObjectStore store;
  private final Function<ResourceType, ObjectCache> caches;
  private final ResourceType budgets;
  private final Clock clock;

  Evictions(ObjectStore store, Function<ResourceType, ObjectCache> caches, ResourceRegistry registry, Clock clock) {
    this.store = store;
    this.caches = caches;
    this.budgets = registry.byGroupPlural("policy", "poddisruptionbudgets").orElse(null);
    this.clock = clock;
  }

  /** Evicts a pod: checks and spends its budget, then deletes it with {@code delete}'s options. */
  Future<ObjectNode> evict(ResourceType pods, ObjectNode pod, WriteOptions delete) {
    String ns = pod.path("metadata").path("namespace").asText();
    String name = pod.path("metadata").path("name").asText();
    Future<Void> allowed = budgets == null || canIgnoreBudget(pod) ? Future.succeededFuture()
        : spend(pod, delete.dryRun(), RETRIES);
    return allowed.compose(v -> delete.dryRun() ? Future.succeededFuture(delete) : markDisruption(pods, pod, delete))
        .compose(options -> store.delete(pods, ns, name, options));
  }

  /**
   * kube's {@code addConditionAndDeletePod}: the {@code DisruptionTarget} condition (True,
   * {@code EvictionByEvictionAPI}) on the latest pod, checked against the delete's preconditions; the
   * delete's resourceVersion precondition, if any, moves to the pod as marked.
   */
  private Future<WriteOptions> markDisruption(ResourceType pods, ObjectNode pod, WriteOptions delete) {
    ObjectNode patch = Json.object();
    patch.putObject("status").putArray("conditions").addObject().put("type", "DisruptionTarget").put("status", "True")
        .put("reason", "EvictionByEvictionAPI").put("message", "Eviction API: evicting")
        .put("lastTransitionTime", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    WriteOptions options = WriteOptions.none().withSubresource("status").withUid(delete.uid())
        .withResourceVersion(delete.resourceVersion());
    return store.patch(pods, pod.path("metadata").path("namespace").asText(), pod.path("metadata").path("name").asText(),
            Patches.STRATEGIC_MERGE, patch, options)
        .map(marked -> delete.resourceVersion() == null ? delete
            : delete.withResourceVersion(marked.path("metadata").path("resourceVersion").asText()));
  }

  /** Pending, Succeeded, Failed or being deleted: the disruption already happened or does not count. */
  static boolean canIgnoreBudget(JsonNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return phase.equals("Pending") || phase.equals("Succeeded") || phase.equals("Failed")
        || pod.path("metadata").hasNonNull("deletionTimestamp");
  }

  private Future<Void> spend(ObjectNode pod, boolean dryRun, int left) {
    ObjectCache cache = caches.apply(budgets);
    return cache.waitForCurrent().compose(v -> {
      List<ObjectNode> matching = matching(cache, pod);
      if (matching.isEmpty()) {
        return Future.succeededFuture();
      }
      if (matching.size() > 1) {
        // kube's bare Status: code 500 without a reason, so kubectl says "Error from server: This pod..."
        throw new StatusException(500, "", "This pod has more than one PodDisruptionBudget, which the eviction "
            + "subresource does not support.");
      }
      ObjectNode pdb = matching.get(0);
      if (!ready(pod) && ("AlwaysAllow".equals(pdb.path("spec").path("unhealthyPodEvictionPolicy").asText())
          || healthyBudget(pdb))) {
        return Future.succeededFuture();
      }
      ObjectNode decremented = decrement(pdb, pod.path("metadata").path("name").asText());
      if (dryRun) {
        return Future.succeededFuture();
      }
      return store.updateStatus(budgets, decremented, WriteOptions.none()
          .withResourceVersion(pdb.path("metadata").path("resourceVersion").asText())).<Void>mapEmpty();
    }).recover(e -> e instanceof StatusException se && se.code() == 409 && left > 1
        ? spend(pod, dryRun, left - 1) : Future.failedFuture(e));
  }

  private static boolean healthyBudget(JsonNode pdb) {
    JsonNode s = pdb.path("status");
    return s.path("currentHealthy").asLong(0) >= s.path("desiredHealthy").asLong(0)
        && s.path("desiredHealthy").asLong(0) > 0;
  }

  /** The budget with one disruption less and the pod in disruptedPods; 429 when none is allowed. */
  private ObjectNode decrement(ObjectNode pdb, String podName) {
    String name = pdb.path("metadata").path("name").asText();
    JsonNode status = pdb.path("status");
    if (status.path("observedGeneration").asLong(0) < pdb.path("metadata").path("generation").asLong(0)) {
      throw tooManyRequests(10, "The disruption budget " + name + " is still being processed by the server.");
    }
    long allowed = status.path("disruptionsAllowed").asLong(0);
    if (allowed < 0) {
      throw new StatusException(403, "Forbidden", "poddisruptionbudgets.policy \"" + name
          + "\" is forbidden: pdb disruptions allowed is negative");
    }
    if (allowed == 0) {
      throw tooManyRequests(0, "The disruption budget " + name + " needs " + status.path("desiredHealthy").asLong(0)
          + " healthy pods and has " + status.path("currentHealthy").asLong(0) + " currently");
    }
    ObjectNode out = pdb.deepCopy();
    ObjectNode s = out.get("status") instanceof ObjectNode o ? o : out.putObject("status");
    s.put("disruptionsAllowed", allowed - 1);
    if (allowed - 1 == 0) {
      for (JsonNode c : s.path("conditions")) {
        if ("DisruptionAllowed".equals(c.path("type").asText()) && c instanceof ObjectNode co) {
          co.put("status", "False").put("reason", "InsufficientPods").put("message", "")
              .put("lastTransitionTime", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        }
      }
    }
    ObjectNode disrupted = s.get("disruptedPods") instanceof ObjectNode d ? d : s.putObject("disruptedPods");
    disrupted.put(podName, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
    return out;
  }

  private static StatusException tooManyRequests(int retryAfter, String cause) {
    ObjectNode details = Json.object();
    details.putArray("causes").addObject().put("reason", "DisruptionBudget").put("message", cause);
    if (retryAfter > 0) {
      details.put("retryAfterSeconds", retryAfter);
    }
    return new StatusException(429, "TooManyRequests", VIOLATION, details);
  }

  /** The budgets of the pod's namespace whose selector matches it (none: nothing; empty: everything). */
  private static List<ObjectNode> matching(ObjectCache cache, JsonNode pod) {
    String ns = pod.path("metadata").path("namespace").asText();
    Map<String, String> labels = Json.MAPPER.convertValue(pod.path("metadata").path("labels").isObject()
        ? pod.path("metadata").path("labels") : Json.object(), Json.MAPPER.getTypeFactory()
        .constructMapType(Map.class, String.class, String.class));
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode pdb : cache.snapshot(o -> ns.equals(o.path("metadata").path("namespace").asText())).items()) {
      JsonNode sel = pdb.path("spec").get("selector");
      if (sel != null && !sel.isNull() && LabelSelector.fromJson(sel).matches(labels)) {
        out.add(pdb);
      }
    }
    return out;
  }

  private static boolean ready(JsonNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }
}
