package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Tolerations as kube's {@code ValidateTolerations} checks them (key, operator, value, effect,
 * tolerationSeconds), plus the uniqueness by key, operator, value and effect that RuntimeClass
 * scheduling asks for. Pure.
 */
final class Tolerations {

  static final List<String> OPERATORS = List.of("Equal", "Exists");
  static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

  private Tolerations() {
  }

  /** Adds the errors of a toleration list at {@code path}; {@code unique} also refuses duplicates. */
  static void validate(JsonNode list, String path, boolean unique, FieldErrors errs) {
    if (!(list instanceof ArrayNode a)) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < a.size(); i++) {
      JsonNode t = a.get(i);
      String at = path + "[" + i + "]";
      String key = t.path("key").asText("");
      String operator = t.path("operator").asText("");
      String value = t.path("value").asText("");
      String effect = t.path("effect").asText("");
      if (!key.isEmpty()) {
        Validators.qualifiedName(key).forEach(m -> errs.invalid(at + ".key", key, m));
      }
      if (key.isEmpty() && !operator.equals("Exists")) {
        errs.invalid(at + ".operator", operator,
            "operator must be Exists when `key` is empty, which means \"match all values and all keys\"");
      }
      if (t.hasNonNull("tolerationSeconds") && !effect.equals("NoExecute")) {
        errs.invalid(at + ".effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set");
      }
      switch (operator) {
        case "", "Equal" -> Validators.labelValue(value).forEach(m -> errs.invalid(at + ".operator", value, m));
        case "Exists" -> {
          if (!value.isEmpty()) {
            errs.invalid(at + ".operator", t, "value must be empty when `operator` is 'Exists'");
          }
        }
        default -> errs.notSupported(at + ".operator", t.path("operator"), OPERATORS);
      }
      if (!effect.isEmpty() && !EFFECTS.contains(effect)) {
        errs.notSupported(at + ".effect", t.path("effect"), EFFECTS);
      }
      if (unique && !seen.add(key + "\u0000" + operator + "\u0000" + value + "\u0000" + effect)) {
        errs.add("FieldValueDuplicate", at, "Duplicate value: " + goStruct(t));
      }
    }
  }

  /** A toleration as Go prints kube's internal struct ({@code %#v}). */
  static String goStruct(JsonNode t) {
    JsonNode seconds = t.get("tolerationSeconds");
    return "core.Toleration{Key:\"" + t.path("key").asText("") + "\", Operator:\"" + t.path("operator").asText("")
        + "\", Value:\"" + t.path("value").asText("") + "\", Effect:\"" + t.path("effect").asText("")
        + "\", TolerationSeconds:" + (seconds == null || seconds.isNull() ? "(*int64)(nil)" : "&" + seconds.asLong())
        + "}";
  }

  /**
   * kube's {@code MergeTolerations}: the tolerations of {@code first} and {@code second}, without
   * duplicates and without one that another of them already covers.
   */
  static ArrayNode merge(JsonNode first, JsonNode second) {
    ArrayNode all = io.dekube.core.model.Json.MAPPER.createArrayNode();
    first.forEach(all::add);
    second.forEach(all::add);
    ArrayNode out = io.dekube.core.model.Json.MAPPER.createArrayNode();
    for (int i = 0; i < all.size(); i++) {
      JsonNode t = all.get(i);
      boolean redundant = false;
      for (int j = 0; j < all.size() && !redundant; j++) {
        if (i == j) {
          continue;
        }
        JsonNode o = all.get(j);
        // an identical earlier one, or a different one that covers this one
        redundant = o.equals(t) ? j < i : covers(o, t);
      }
      if (!redundant) {
        out.add(t);
      }
    }
    return out;
  }

  /** Whether toleration {@code a} tolerates everything {@code b} does (kube's isSuperset). */
  private static boolean covers(JsonNode a, JsonNode b) {
    if (!a.path("key").asText("").equals(b.path("key").asText(""))) {
      return false;
    }
    String ae = a.path("effect").asText("");
    if (!ae.isEmpty() && !ae.equals(b.path("effect").asText(""))) {
      return false;
    }
    if (ae.equals("NoExecute") || ae.isEmpty() && b.path("effect").asText("").equals("NoExecute")) {
      JsonNode as = a.get("tolerationSeconds");
      JsonNode bs = b.get("tolerationSeconds");
      if (as != null && !as.isNull() && (bs == null || bs.isNull() || bs.asLong() > as.asLong())) {
        return false;
      }
    }
    String ao = a.path("operator").asText("Equal").isEmpty() ? "Equal" : a.path("operator").asText();
    String bo = b.path("operator").asText("Equal").isEmpty() ? "Equal" : b.path("operator").asText();
    if (ao.equals("Exists")) {
      return true;
    }
    return bo.equals("Equal") && a.path("value").asText("").equals(b.path("value").asText(""));
  }

  /** A toleration list node, or an empty one. */
  static JsonNode listOf(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    return n instanceof ArrayNode ? n : io.dekube.core.model.Json.MAPPER.createArrayNode();
  }
}
