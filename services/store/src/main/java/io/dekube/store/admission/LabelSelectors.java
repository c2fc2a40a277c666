package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Matching and rendering of {@code metav1.LabelSelector}. Pure. */
final class LabelSelectors {

  private LabelSelectors() {
  }

  /**
   * Adds the errors of a {@code metav1.LabelSelector} at {@code path}, as {@code ValidateLabelSelector}: valid
   * matchLabels, known operators, values for In/NotIn and none for Exists/DoesNotExist, label keys.
   */
  static void validate(JsonNode selector, String path, FieldErrors errs) {
    MetadataValidation.labels(selector.get("matchLabels"), path + ".matchLabels", errs);
    int i = 0;
    for (JsonNode req : selector.path("matchExpressions")) {
      String field = path + ".matchExpressions[" + i++ + "]";
      String op = req.path("operator").asText("");
      if (!OPERATORS.contains(op)) {
        errs.invalid(field + ".operator", op, "not a valid selector operator");
      } else if ((op.equals("In") || op.equals("NotIn")) && req.path("values").size() == 0) {
        errs.required(field + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
      } else if ((op.equals("Exists") || op.equals("DoesNotExist")) && req.path("values").size() > 0) {
        errs.forbidden(field + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      }
      String key = req.path("key").asText("");
      Validators.qualifiedName(key).forEach(m -> errs.invalid(field + ".key", key, m));
    }
  }

  private static final List<String> OPERATORS = List.of("In", "NotIn", "Exists", "DoesNotExist");

  /** Whether the selector has neither matchLabels nor matchExpressions. */
  static boolean isEmpty(JsonNode selector) {
    return selector == null || (selector.path("matchLabels").size() == 0 && selector.path("matchExpressions").size() == 0);
  }

  /** Whether {@code labels} satisfy the selector. */
  static boolean matches(JsonNode selector, JsonNode labels) {
    var it = selector.path("matchLabels").fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!labels.has(e.getKey()) || !labels.get(e.getKey()).asText().equals(e.getValue().asText())) {
        return false;
      }
    }
    for (JsonNode req : selector.path("matchExpressions")) {
      String key = req.path("key").asText();
      List<String> values = new ArrayList<>();
      req.path("values").forEach(v -> values.add(v.asText()));
      boolean has = labels.has(key);
      String value = has ? labels.get(key).asText() : null;
      boolean ok = switch (req.path("operator").asText()) {
        case "In" -> has && values.contains(value);
        case "NotIn" -> !has || !values.contains(value);
        case "Exists" -> has;
        case "DoesNotExist" -> !has;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Renders the selector as Go's {@code %#v} of {@code v1.LabelSelector}, as kube's messages show it. */
  static String goString(JsonNode selector) {
    String labels = selector.path("matchLabels").size() == 0 ? "map[string]string(nil)"
        : FieldErrors.goValue(selector.get("matchLabels"));
    String exprs = selector.path("matchExpressions").size() == 0 ? "[]v1.LabelSelectorRequirement(nil)"
        : "[]v1.LabelSelectorRequirement" + selector.get("matchExpressions");
    return "v1.LabelSelector{MatchLabels:" + labels + ", MatchExpressions:" + exprs + "}";
  }
}
