package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Resource quantities as kube-apiserver stores them: its decoder parses every {@code resource.Quantity}
 * and its encoder writes the canonical form, so a pod sent with {@code cpu: "0.5"} reads back {@code 500m},
 * {@code memory: 1.5Gi} as {@code 1536Mi}, a number {@code cpu: 1} as the string {@code "1"}. Values that are
 * not quantities are left for validation to report; quantities in exponent form ({@code 129e6}), which Go keeps
 * in that form, are left as written. Pure; mutates the given nodes.
 */
final class CanonicalQuantities {

  private static final Pattern EXPONENT = Pattern.compile(".*[0-9.][eE][+-]?[0-9]+");

  private CanonicalQuantities() {
  }

  /** Every value of a resource list ({@code requests}, {@code limits}, {@code hard}...) in canonical form. */
  static void list(JsonNode list) {
    if (!(list instanceof ObjectNode o)) {
      return;
    }
    List<String> names = new ArrayList<>();
    o.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      field(o, name);
    }
  }

  /** The quantity {@code parent.field}, when it is one, in canonical form. */
  static void field(JsonNode parent, String field) {
    if (!(parent instanceof ObjectNode o) || !o.has(field)) {
      return;
    }
    String canonical = canonical(o.get(field));
    if (canonical != null) {
      o.put(field, canonical);
    }
  }

  /** The canonical text of a JSON quantity (a string or a number), or null to leave it as it is. */
  static String canonical(JsonNode value) {
    String text;
    if (value.isNumber()) {
      text = value.decimalValue().toPlainString();
    } else if (value.isTextual()) {
      text = value.asText().trim();
    } else {
      return null;
    }
    if (EXPONENT.matcher(text).matches()) {
      return null;
    }
    try {
      return Quantities.parse(text).toString();
    } catch (IllegalArgumentException | ArithmeticException e) {
      return null;
    }
  }

  /** The requests and limits of every container of a pod spec, its overhead and its emptyDir size limits. */
  static void podSpec(JsonNode spec) {
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      for (ObjectNode c : Nodes.objects(spec, list)) {
        JsonNode resources = c.path("resources");
        list(resources.get("requests"));
        list(resources.get("limits"));
      }
    }
    list(spec.get("overhead"));
    for (ObjectNode v : Nodes.objects(spec, "volumes")) {
      field(v.get("emptyDir"), "sizeLimit");
    }
  }

  /** The quantities of every item of a LimitRange spec. */
  static void limitRange(JsonNode spec) {
    for (ObjectNode item : Nodes.objects(spec, "limits")) {
      for (String f : new String[] {"max", "min", "default", "defaultRequest", "maxLimitRequestRatio"}) {
        list(item.get(f));
      }
    }
  }
}
