package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Matching and rendering of {@code metav1.LabelSelector}. Pure. */
final class LabelSelectors {

  private LabelSelectors() {
  }

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
