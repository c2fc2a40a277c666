package io.dekube.core.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities.Amount;
import java.time.Instant;
import java.util.Set;
import java.util.TreeMap;

/**
 * The usage a quota sees of one kind: for each resource of its {@code spec.hard} that the kind's
 * evaluator tracks, the sum over the objects its scopes select (zero when none), as kube's
 * {@code quota.CalculateUsage}. Pure and thread-safe.
 */
public final class QuotaUsage {

  private QuotaUsage() {
  }

  /** The usage of {@code objects} (all of one kind, in the quota's namespace) as {@code quota} counts it. */
  public static TreeMap<String, Amount> used(QuotaEvaluator evaluator, JsonNode quota, Iterable<? extends JsonNode> objects,
                                             Instant now) {
    Set<String> tracked = evaluator.matchingResources(QuotaEvaluator.hardNames(quota));
    TreeMap<String, Amount> used = new TreeMap<>();
    if (tracked.isEmpty()) {
      return used;
    }
    tracked.forEach(r -> used.put(r, Amount.ZERO));
    var selectors = QuotaEvaluator.scopeSelectors(quota);
    for (JsonNode o : objects) {
      if (!(o instanceof ObjectNode obj) || !selected(evaluator, selectors, obj)) {
        continue;
      }
      ResourceLists.addInto(used, ResourceLists.mask(evaluator.usage(obj, now), tracked));
    }
    return used;
  }

  private static boolean selected(QuotaEvaluator evaluator, Iterable<JsonNode> selectors, ObjectNode obj) {
    for (JsonNode s : selectors) {
      if (!evaluator.matchesScope(s, obj)) {
        return false;
      }
    }
    return true;
  }
}
