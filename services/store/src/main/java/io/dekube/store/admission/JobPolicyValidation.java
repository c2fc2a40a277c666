package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * kube 1.32's validation of a JobSpec's failure and success handling ({@code pkg/apis/batch/validation}):
 * backoffLimitPerIndex and maxFailedIndexes (Indexed only, their limits), podFailurePolicy (actions,
 * onExitCodes, onPodConditions, restartPolicy Never), podReplacementPolicy (only Failed with a
 * podFailurePolicy), successPolicy (Indexed only, its rules and index lists), with kube's words; and
 * the defaults of onPodConditions' status. Stateless.
 */
final class JobPolicyValidation {

  static final int MAX_RULES = 20;
  static final int MAX_EXIT_CODES = 255;
  static final int MAX_PATTERNS = 20;
  static final int MAX_INDEXED_PARALLELISM = 100_000;
  static final int MAX_FAILED_INDEXES = 100_000;
  static final int COMPLETIONS_SOFT_LIMIT = 100_000;
  static final int HIGH_COMPLETIONS_LIMIT = 10_000;
  static final int MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;
  private static final List<String> ACTIONS = List.of("Count", "FailIndex", "FailJob", "Ignore");
  private static final List<String> OPERATORS = List.of("In", "NotIn");
  private static final List<String> STATUSES = List.of("False", "True", "Unknown");

  private JobPolicyValidation() {
  }

  /** kube's default: an onPodConditions pattern without status matches status True. */
  static void defaults(ObjectNode spec) {
    for (JsonNode rule : spec.path("podFailurePolicy").path("rules")) {
      for (JsonNode pattern : rule.path("onPodConditions")) {
        if (pattern instanceof ObjectNode o && o.path("status").asText("").isEmpty()) {
          o.put("status", "True");
        }
      }
    }
  }

  /** The checks of the per-index fields, the policies and the restartPolicy they need. */
  static void validate(JsonNode spec, String path, FieldErrors errs) {
    boolean indexed = "Indexed".equals(spec.path("completionMode").asText("NonIndexed"));
    JsonNode perIndex = spec.get("backoffLimitPerIndex");
    JsonNode maxFailed = spec.get("maxFailedIndexes");
    nonNegative(perIndex, path + ".backoffLimitPerIndex", errs);
    if (present(maxFailed)) {
      nonNegative(maxFailed, path + ".maxFailedIndexes", errs);
      if (!present(perIndex)) {
        errs.required(path + ".backoffLimitPerIndex", "when maxFailedIndexes is specified");
      }
    }
    if (indexed) {
      indexedLimits(spec, path, errs);
    } else {
      if (present(perIndex)) {
        errs.invalid(path + ".backoffLimitPerIndex", perIndex, "requires indexed completion mode");
      }
      if (present(maxFailed)) {
        errs.invalid(path + ".maxFailedIndexes", maxFailed, "requires indexed completion mode");
      }
    }
    if (present(spec.get("podFailurePolicy"))) {
      podFailurePolicy(spec, path + ".podFailurePolicy", errs);
    }
    if (present(spec.get("successPolicy"))) {
      if (!indexed) {
        errs.invalidRendered(path + ".successPolicy", "batch.SuccessPolicy{...}", "requires indexed completion mode");
      } else {
        successPolicy(spec, path + ".successPolicy", errs);
      }
    }
    podReplacementPolicy(spec, path + ".podReplacementPolicy", errs);
  }

  /** kube's check of the template's restartPolicy: OnFailure or Never, and Never with a podFailurePolicy. */
  static void restartPolicy(JsonNode spec, String path, FieldErrors errs) {
    JsonNode restart = spec.path("template").path("spec").get("restartPolicy");
    String value = restart == null ? "" : restart.asText("");
    String at = path + ".template.spec.restartPolicy";
    if (value.isEmpty() || value.equals("Always")) {
      errs.required(at, "valid values: \"OnFailure\", \"Never\"");
    } else if (!value.equals("OnFailure") && !value.equals("Never")) {
      errs.notSupported(at, restart, List.of("OnFailure", "Never"));
    } else if (present(spec.get("podFailurePolicy")) && !value.equals("Never")) {
      errs.invalid(at, restart, "only \"Never\" is supported when podFailurePolicy is specified");
    }
  }

  private static void indexedLimits(JsonNode spec, String path, FieldErrors errs) {
    JsonNode parallelism = spec.get("parallelism");
    JsonNode completions = spec.get("completions");
    JsonNode maxFailed = spec.get("maxFailedIndexes");
    if (present(parallelism) && parallelism.asLong() > MAX_INDEXED_PARALLELISM) {
      errs.invalid(path + ".parallelism", parallelism, "must be less than or equal to " + MAX_INDEXED_PARALLELISM
          + " when completion mode is Indexed");
    }
    if (present(completions) && present(maxFailed) && maxFailed.asLong() > completions.asLong()) {
      errs.invalid(path + ".maxFailedIndexes", maxFailed, "must be less than or equal to completions");
    }
    if (present(maxFailed) && maxFailed.asLong() > MAX_FAILED_INDEXES) {
      errs.invalid(path + ".maxFailedIndexes", maxFailed, "must be less than or equal to " + MAX_FAILED_INDEXES);
    }
    if (present(completions) && completions.asLong() > COMPLETIONS_SOFT_LIMIT && present(spec.get("backoffLimitPerIndex"))) {
      String high = " when completions are above " + COMPLETIONS_SOFT_LIMIT + " and used with backoff limit per index";
      if (!present(maxFailed)) {
        errs.required(path + ".maxFailedIndexes", "must be specified when completions is above " + COMPLETIONS_SOFT_LIMIT);
      }
      if (present(parallelism) && parallelism.asLong() > HIGH_COMPLETIONS_LIMIT) {
        errs.invalid(path + ".parallelism", parallelism, "must be less than or equal to " + HIGH_COMPLETIONS_LIMIT + high);
      }
      if (present(maxFailed) && maxFailed.asLong() > HIGH_COMPLETIONS_LIMIT) {
        errs.invalid(path + ".maxFailedIndexes", maxFailed, "must be less than or equal to " + HIGH_COMPLETIONS_LIMIT
            + high);
      }
    }
  }

  private static void podFailurePolicy(JsonNode spec, String path, FieldErrors errs) {
    JsonNode rules = spec.path("podFailurePolicy").path("rules");
    if (rules.size() > MAX_RULES) {
      tooMany(path + ".rules", rules.size(), MAX_RULES, errs);
    }
    Set<String> containers = new HashSet<>();
    for (String list : List.of("containers", "initContainers")) {
      spec.path("template").path("spec").path(list).forEach(c -> containers.add(c.path("name").asText()));
    }
    for (int i = 0; i < rules.size(); i++) {
      rule(spec, rules.get(i), path + ".rules[" + i + "]", containers, errs);
    }
  }

  private static void rule(JsonNode spec, JsonNode rule, String path, Set<String> containers, FieldErrors errs) {
    String action = rule.path("action").asText("");
    if (action.isEmpty()) {
      errs.required(path + ".action", "valid values: " + goQuoted(ACTIONS));
    } else if (action.equals("FailIndex")) {
      if (!present(spec.get("backoffLimitPerIndex"))) {
        errs.invalid(path + ".action", action, "requires the backoffLimitPerIndex to be set");
      }
    } else if (!ACTIONS.contains(action)) {
      errs.notSupported(path + ".action", rule.get("action"), ACTIONS);
    }
    boolean onExitCodes = present(rule.get("onExitCodes"));
    boolean onConditions = rule.path("onPodConditions").size() > 0;
    if (onExitCodes) {
      onExitCodes(rule.get("onExitCodes"), path + ".onExitCodes", containers, errs);
    }
    if (onConditions) {
      onPodConditions(rule.get("onPodConditions"), path + ".onPodConditions", errs);
    }
    if (onExitCodes && onConditions) {
      errs.add("FieldValueInvalid", path, "Invalid value: specifying both OnExitCodes and OnPodConditions is not supported");
    }
    if (!onExitCodes && !onConditions) {
      errs.add("FieldValueInvalid", path, "Invalid value: specifying one of OnExitCodes and OnPodConditions is required");
    }
  }

  private static void onExitCodes(JsonNode req, String path, Set<String> containers, FieldErrors errs) {
    String operator = req.path("operator").asText("");
    if (operator.isEmpty()) {
      errs.required(path + ".operator", "valid values: " + goQuoted(OPERATORS));
    } else if (!OPERATORS.contains(operator)) {
      errs.notSupported(path + ".operator", req.get("operator"), OPERATORS);
    }
    JsonNode name = req.get("containerName");
    if (present(name) && !containers.contains(name.asText())) {
      errs.invalid(path + ".containerName", name, "must be one of the container or initContainer names in the pod template");
    }
    JsonNode values = req.path("values");
    if (values.size() == 0) {
      errs.invalidRendered(path + ".values", "[]int32{}", "at least one value is required");
    } else if (values.size() > MAX_EXIT_CODES) {
      tooMany(path + ".values", values.size(), MAX_EXIT_CODES, errs);
    }
    Set<Long> seen = new HashSet<>();
    boolean ordered = true;
    for (int j = 0; j < values.size(); j++) {
      long v = values.get(j).asLong();
      if (operator.equals("In") && v == 0) {
        errs.invalid(path + ".values[" + j + "]", values.get(j), "must not be 0 for the In operator");
      }
      if (!seen.add(v)) {
        errs.duplicate(path + ".values[" + j + "]", values.get(j));
      }
      if (j > 0 && values.get(j - 1).asLong() > v) {
        ordered = false;
      }
    }
    if (!ordered) {
      List<String> all = new ArrayList<>();
      values.forEach(v -> all.add(v.asText()));
      errs.invalidRendered(path + ".values", "[]int32{" + String.join(", ", all) + "}", "must be ordered");
    }
  }

  private static void onPodConditions(JsonNode patterns, String path, FieldErrors errs) {
    if (patterns.size() > MAX_PATTERNS) {
      tooMany(path, patterns.size(), MAX_PATTERNS, errs);
    }
    for (int j = 0; j < patterns.size(); j++) {
      JsonNode p = patterns.get(j);
      String at = path + "[" + j + "]";
      String type = p.path("type").asText("");
      Validators.qualifiedName(type).forEach(m -> errs.invalid(at + ".type", type, m));
      String status = p.path("status").asText("");
      if (status.isEmpty()) {
        errs.required(at + ".status", "valid values: " + goQuoted(STATUSES));
      } else if (!STATUSES.contains(status)) {
        errs.notSupported(at + ".status", p.get("status"), STATUSES);
      }
    }
  }

  private static void podReplacementPolicy(JsonNode spec, String path, FieldErrors errs) {
    JsonNode policy = spec.get("podReplacementPolicy");
    if (!present(policy)) {
      return;
    }
    if (present(spec.get("podFailurePolicy"))) {
      if (!policy.asText().equals("Failed")) {
        errs.notSupported(path, policy, List.of("Failed"));
      }
    } else if (!policy.asText().equals("Failed") && !policy.asText().equals("TerminatingOrFailed")) {
      errs.notSupported(path, policy, List.of("Failed", "TerminatingOrFailed"));
    }
  }

  private static void successPolicy(JsonNode spec, String path, FieldErrors errs) {
    JsonNode rules = spec.path("successPolicy").path("rules");
    if (rules.size() == 0) {
      errs.required(path + ".rules", "at least one rules must be specified when the successPolicy is specified");
    }
    if (rules.size() > MAX_RULES) {
      tooMany(path + ".rules", rules.size(), MAX_RULES, errs);
    }
    long completions = spec.path("completions").asLong(0);
    for (int i = 0; i < rules.size(); i++) {
      successRule(rules.get(i), path + ".rules[" + i + "]", completions, errs);
    }
  }

  private static void successRule(JsonNode rule, String path, long completions, FieldErrors errs) {
    JsonNode indexes = rule.get("succeededIndexes");
    JsonNode count = rule.get("succeededCount");
    if (!present(indexes) && !present(count)) {
      errs.required(path, "at least one of succeededCount or succeededIndexes must be specified");
    }
    long total = 0;
    if (present(indexes)) {
      if (indexes.asText().length() > MAX_SUCCEEDED_INDEXES_LENGTH) {
        errs.add("FieldValueTooLong", path + ".succeededIndexes", "Too long: may not be more than "
            + MAX_SUCCEEDED_INDEXES_LENGTH + " bytes");
      }
      try {
        total = indexCount(indexes.asText(), completions);
      } catch (IllegalArgumentException e) {
        errs.invalid(path + ".succeededIndexes", indexes, "error parsing succeededIndexes: " + e.getMessage());
      }
    }
    if (present(count)) {
      nonNegative(count, path + ".succeededCount", errs);
      if (count.asLong() > completions) {
        errs.invalid(path + ".succeededCount", count, "must be less than or equal to " + completions
            + " (the number of specified completions)");
      }
      if (present(indexes) && count.asLong() > total) {
        errs.invalid(path + ".succeededCount", count, "must be less than or equal to " + total
            + " (the number of indexes in the specified succeededIndexes field)");
      }
    }
  }

  /** kube's {@code validateIndexesFormat}: the number of indexes of {@code 1,3-5}, or why it does not parse. */
  static long indexCount(String text, long completions) {
    if (text.isEmpty()) {
      return 0;
    }
    Long last = null;
    long total = 0;
    for (String interval : text.split(",", -1)) {
      String[] ends = interval.split("-", -1);
      if (ends.length > 2) {
        throw new IllegalArgumentException("the fragment \"" + interval
            + "\" violates the requirement that an index interval can have at most two parts separated by '-'");
      }
      long x = index(ends[0], completions);
      long y = ends.length > 1 ? index(ends[1], completions) : x;
      if (ends.length > 1 && x >= y) {
        throw new IllegalArgumentException("non-increasing order, previous: " + x + ", current: " + y);
      }
      if (last != null && last >= x) {
        throw new IllegalArgumentException("non-increasing order, previous: " + last + ", current: " + x);
      }
      total += y - x + 1;
      last = y;
    }
    return total;
  }

  private static long index(String s, long completions) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cannot convert string to integer for index: \"" + s + "\"");
    }
    if (v >= completions) {
      throw new IllegalArgumentException("too large index: \"" + s + "\"");
    }
    return v;
  }

  private static void nonNegative(JsonNode v, String path, FieldErrors errs) {
    if (present(v) && v.isNumber() && v.asLong() < 0) {
      errs.invalid(path, v, "must be greater than or equal to 0");
    }
  }

  private static void tooMany(String path, int n, int max, FieldErrors errs) {
    errs.add("FieldValueTooMany", path, "Too many: " + n + ": must have at most " + max + " items");
  }

  /** Go's {@code %q} of a string slice: {@code ["In" "NotIn"]}. */
  private static String goQuoted(List<String> values) {
    return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(" ", "[", "]"));
  }

  static boolean present(JsonNode v) {
    return v != null && !v.isNull() && !v.isMissingNode();
  }
}
