package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.dekube.core.quota.Quantities.Amount;
import io.dekube.core.quota.QuotaEvaluator;
import io.dekube.core.quota.QuotaUsage;
import io.dekube.core.quota.ResourceLists;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * kube-apiserver's {@code ResourceQuota} admission plugin, run by the writer after the rest of the
 * admission chain (as kube runs it last), for every create — and every update of the kinds whose
 * usage an update can raise (a Service turned NodePort or LoadBalancer, a claim that grows).
 *
 * <p><b>Usage is counted, not cached.</b> kube's plugin adds the request to the quota's
 * {@code status.used} and writes the quota back with a compare-and-swap, so concurrent creates
 * retry on conflicts and the status must have been computed by the controller first. dekube
 * partitions requests by resource and one writer owns each resource, so the writer that admits a
 * pod holds <em>every</em> pod of the cluster, including the earlier writes of the same batch: the
 * usage of the namespace is summed from that view at the moment of the write, and compared with
 * the quota's {@code spec.hard}. This is exact for the counted kind — N concurrent creates against
 * {@code pods: "2"} admit exactly 2 — needs no status write per create, and works before the
 * controller filled the status. A refused or dry-run request adds nothing, since only stored
 * objects count.
 *
 * <p>The quotas themselves come from an informer (another writer may own them), as kube's plugin
 * reads its lister: a quota created an instant before a pod may not be seen yet and the pod is
 * admitted. Refusals are 403 Forbidden worded as kube's ({@code exceeded quota: compute, requested:
 * pods=1, used: pods=2, limited: pods=2}, {@code failed quota: compute: must specify limits.cpu for:
 * nginx}). Thread-safe; called on the writer's loop thread, never blocks.
 */
public final class ResourceQuotaAdmission {

  /** The stored objects of the written kind in one namespace, as the writer's batch view has them now. */
  @FunctionalInterface
  public interface Stored {
    List<ObjectNode> list(String namespace);
  }

  /** Resources kube's quota never looks at. */
  private static final Set<String> IGNORED = Set.of("events", "events.events.k8s.io");

  private final Function<String, List<? extends JsonNode>> quotas;
  private final Clock clock;
  private final Map<String, QuotaEvaluator> evaluators = new ConcurrentHashMap<>();

  /**
   * @param quotas the ResourceQuotas of a namespace (the informer's cache)
   */
  public ResourceQuotaAdmission(Function<String, List<? extends JsonNode>> quotas, Clock clock) {
    this.quotas = quotas;
    this.clock = clock;
  }

  /** No quota anywhere: admits everything. */
  public static ResourceQuotaAdmission none() {
    return new ResourceQuotaAdmission(ns -> List.of(), Clock.systemUTC());
  }

  /**
   * Checks a create ({@code old} null) or an update of {@code obj} against the quotas of its
   * namespace; 403 Forbidden when it would exceed one. {@code stored} lists the kind's objects.
   */
  public void check(ResourceType type, ObjectNode obj, ObjectNode old, Stored stored) {
    if (!type.namespaced() || IGNORED.contains(type.resourceName())) {
      return;
    }
    String ns = obj.path("metadata").path("namespace").asText("");
    List<? extends JsonNode> all = ns.isEmpty() ? List.of() : quotas.apply(ns);
    if (all.isEmpty()) {
      return;
    }
    QuotaEvaluator evaluator = evaluators.computeIfAbsent(type.resourceName(),
        k -> QuotaEvaluator.of(type.group(), type.plural()));
    if (!evaluator.handles(old == null)) {
      return;
    }
    List<JsonNode> matching = new ArrayList<>();
    for (JsonNode q : sorted(all)) {
      if (!evaluator.matches(q, obj)) {
        continue;
      }
      String why = evaluator.constraints(evaluator.matchingResources(QuotaEvaluator.hardNames(q)), obj);
      if (why != null) {
        throw PriorityAdmission.forbidden(type, obj, "failed quota: " + name(q) + ": " + why);
      }
      matching.add(q);
    }
    if (matching.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    TreeMap<String, Amount> input = evaluator.usage(obj, now);
    List<String> negative = new ArrayList<>();
    input.forEach((k, v) -> {
      if (v.value().signum() < 0) {
        negative.add(k);
      }
    });
    if (!negative.isEmpty()) {
      throw PriorityAdmission.forbidden(type, obj, "quota usage is negative for resource(s): " + String.join(",", negative));
    }
    List<ObjectNode> objects = null;
    for (JsonNode q : matching) {
      TreeMap<String, Amount> delta = input;
      if (old != null && evaluator.matches(q, old)) {
        delta = ResourceLists.subtractNonNegative(input, evaluator.usage(old, now));
      }
      TreeMap<String, Amount> requested = ResourceLists.withoutZeros(ResourceLists.mask(delta, QuotaEvaluator.hardNames(q)));
      if (requested.isEmpty()) {
        continue;
      }
      if (objects == null) {
        objects = stored.list(ns);
      }
      exceeded(type, obj, q, requested, QuotaUsage.used(evaluator, q, objects, now));
    }
  }

  private static void exceeded(ResourceType type, ObjectNode obj, JsonNode quota, TreeMap<String, Amount> requested,
                               TreeMap<String, Amount> used) {
    TreeMap<String, Amount> hard = ResourceLists.of(quota.path("spec").path("hard"));
    List<String> over = new ArrayList<>();
    requested.forEach((k, v) -> {
      Amount after = used.getOrDefault(k, Amount.ZERO).plus(v);
      Amount limit = hard.get(k);
      if (limit != null && after.compareTo(limit) > 0) {
        over.add(k);
      }
    });
    if (!over.isEmpty()) {
      throw PriorityAdmission.forbidden(type, obj, "exceeded quota: " + name(quota) + ", requested: "
          + ResourceLists.pretty(ResourceLists.mask(requested, over)) + ", used: "
          + ResourceLists.pretty(ResourceLists.mask(used, over)) + ", limited: "
          + ResourceLists.pretty(ResourceLists.mask(hard, over)));
    }
  }

  private static List<? extends JsonNode> sorted(List<? extends JsonNode> quotas) {
    List<JsonNode> out = new ArrayList<>(quotas);
    out.sort(Comparator.comparing(ResourceQuotaAdmission::name));
    return out;
  }

  private static String name(JsonNode quota) {
    return quota.path("metadata").path("name").asText("");
  }
}
