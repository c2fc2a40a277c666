package io.dekube.store.cel;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.crd.schema.SchemaError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * kube-apiextensions' static cost checks of a CRD version's {@code x-kubernetes-validations}: each
 * rule's estimated worst case ({@link CostEstimator}) times the most times it can run for one object
 * (the maxItems and maxProperties above it, else what a 3 MiB request can hold) may not pass
 * {@value #RULE_LIMIT}, nor a messageExpression's alone; their sum over the schema may not pass
 * {@value #TOTAL_LIMIT}. Errors in kube's words ({@code Forbidden: estimated rule cost exceeds budget by
 * factor of 2.5x (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where
 * arrays, maps, and strings are declared)}). Not thread-safe: one per schema compilation.
 */
final class RuleCosts {

  /** kube's {@code StaticEstimatedCostLimit}: one expression's worst case. */
  static final long RULE_LIMIT = 10_000_000L;
  /** kube's {@code StaticEstimatedCRDCostLimit}: all of a schema's expressions together. */
  static final long TOTAL_LIMIT = 100_000_000L;
  private static final int MOST_EXPENSIVE = 4;

  private record Cost(String field, long cost) {
  }

  private final boolean perExpression;
  private long total;
  private final List<Cost> mostExpensive = new ArrayList<>();

  /** {@code perExpression}: whether one expression over its limit is an error (kube's suppressPerExpressionCost). */
  RuleCosts(boolean perExpression) {
    this.perExpression = perExpression;
  }

  /** A child's cardinality: {@code parent} times the list's maxItems (or map's maxProperties); null if unbounded. */
  static Long times(Long parent, JsonNode max) {
    if (parent == null || max == null || !max.canConvertToLong()) {
      return null;
    }
    return CostEstimator.mul(parent, Math.max(0, max.asLong()));
  }

  void rule(String field, CelProgram p, SchemaTypes.Decl self, Long cardinality, List<SchemaError> errors) {
    if (p.ast() == null) {
      return;
    }
    long card = cardinality != null ? cardinality
        : SchemaTypes.MAX_REQUEST_SIZE / ((self == null ? 1 : self.minSize()) + 1);
    long cost = CostEstimator.mul(CostEstimator.maxCost(p.ast(), self), card);
    if (perExpression && cost > RULE_LIMIT) {
      errors.add(forbidden(field, message("estimated rule cost", cost, RULE_LIMIT)));
    }
    observe(field, cost);
  }

  void messageExpression(String field, CelProgram p, SchemaTypes.Decl self, List<SchemaError> errors) {
    if (p.ast() == null) {
      return;
    }
    long cost = CostEstimator.maxCost(p.ast(), self);
    if (perExpression && cost > RULE_LIMIT) {
      errors.add(forbidden(field, message("estimated messageExpression cost", cost, RULE_LIMIT)));
    }
    observe(field, cost);
  }

  private void observe(String field, long cost) {
    total = CostEstimator.sat(total, cost);
    if (cost < TOTAL_LIMIT / 100) {
      return; // kube names only expressions of at least 1% of the limit
    }
    int i = 0;
    while (i < mostExpensive.size() && mostExpensive.get(i).cost() > cost) {
      i++;
    }
    mostExpensive.add(i, new Cost(field, cost));
    if (mostExpensive.size() > MOST_EXPENSIVE) {
      mostExpensive.remove(MOST_EXPENSIVE);
    }
  }

  /** The errors of a schema whose expressions cost too much together, at {@code schemaPath}. */
  List<SchemaError> totalErrors(String schemaPath) {
    if (total <= TOTAL_LIMIT) {
      return List.of();
    }
    List<SchemaError> out = new ArrayList<>();
    for (Cost c : mostExpensive) {
      out.add(forbidden(c.field(), "contributed to estimated rule cost total exceeding cost limit for entire "
          + "OpenAPIv3 schema"));
    }
    out.add(forbidden(schemaPath, message("x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 "
        + "schema", total, TOTAL_LIMIT)));
    return out;
  }

  private static SchemaError forbidden(String field, String detail) {
    return new SchemaError("FieldValueForbidden", field, "Forbidden: " + detail);
  }

  /** kube's {@code getCostErrorMessage}. */
  static String message(String what, long cost, long limit) {
    double factor = (double) cost / limit;
    String f = factor > 100.0 ? "more than 100x" : factor < 1.5 ? String.format(Locale.ROOT, "%fx", factor)
        : String.format(Locale.ROOT, "%.1fx", factor);
    return what + " exceeds budget by factor of " + f + " (try simplifying the rule, or adding maxItems, "
        + "maxProperties, and maxLength where arrays, maps, and strings are declared)";
  }
}
