package io.dekube.core.quota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities.Amount;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Object counts ({@code count/<resource>[.<group>]}) for any kind, and the legacy names kube keeps
 * for some core kinds ({@code configmaps}, {@code secrets}, {@code resourcequotas},
 * {@code replicationcontrollers}). Counts creates only, as kube's {@code ObjectCountEvaluator}.
 */
final class CountEvaluator implements QuotaEvaluator {

  private static final Set<String> LEGACY = Set.of("configmaps", "secrets", "resourcequotas", "replicationcontrollers");

  private final Set<String> names = new TreeSet<>();

  CountEvaluator(String group, String plural) {
    names.add(QuotaEvaluator.countName(group, plural));
    if (group.isEmpty() && LEGACY.contains(plural)) {
      names.add(plural);
    }
  }

  @Override
  public boolean handles(boolean create) {
    return create;
  }

  @Override
  public Set<String> matchingResources(Collection<String> hard) {
    return QuotaEvaluator.among(hard, names);
  }

  @Override
  public TreeMap<String, Amount> usage(ObjectNode obj, Instant now) {
    TreeMap<String, Amount> out = new TreeMap<>();
    names.forEach(n -> out.put(n, Amount.of(1)));
    return out;
  }
}
