package io.dekube.store.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import io.dekube.core.crd.schema.SchemaError;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code x-kubernetes-validations} of one CRD version's schema, compiled once when the CRD is
 * admitted or first served: a tree that mirrors the schema where rules live, each rule with its
 * program, messageExpression, reason and fieldPath. Compile errors come back in kube's wording
 * ({@code ...x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{...}:
 * compilation failed: ERROR: ...}). Immutable once built; {@link RuleValidator} evaluates it.
 */
public final class SchemaRules {

  static final Set<String> REASONS = Set.of("FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired",
      "FieldValueDuplicate");

  /**
   * One compiled rule.
   *
   * @param rule            the rule's text
   * @param message         message, or empty
   * @param program         the rule
   * @param messageProgram  messageExpression, or null
   * @param reason          the reason (FieldValueInvalid when unset)
   * @param fieldPath       the normalized fieldPath to add to the node's path, or empty
   * @param optionalOldSelf whether oldSelf is an optional, bound on create too
   */
  record Rule(String rule, String message, CelProgram program, CelProgram messageProgram, String reason,
              String fieldPath, boolean optionalOldSelf) {
  }

  /**
   * One schema node that has rules at or below it.
   *
   * @param schema     the schema node
   * @param type       the schema's {@code type} ("" when unset), shown as the invalid value
   * @param rules      its own rules
   * @param properties children by property name
   * @param additional the additionalProperties child, or null
   * @param items      the items child, or null
   * @param allOf      allOf members with rules
   * @param mapKeys    x-kubernetes-list-map-keys of a {@code map} list (old items correlate by them), or empty
   * @param root       whether this is the resource's root (self sees apiVersion, kind, metadata name)
   */
  record Node(JsonNode schema, String type, List<Rule> rules, Map<String, Node> properties, Node additional,
              Node items, List<Node> allOf, List<String> mapKeys, boolean root) {
  }

  private final Node root;
  private final List<SchemaError> errors;

  private SchemaRules(Node root, List<SchemaError> errors) {
    this.root = root;
    this.errors = List.copyOf(errors);
  }

  /** Compiles every rule of {@code schema}; errors name fields under {@code basePath}. */
  public static SchemaRules compile(JsonNode schema, String basePath) {
    return compile(schema, basePath, true);
  }

  /**
   * {@link #compile(JsonNode, String)}; {@code perExpressionCost} false leaves out the per-expression
   * cost errors, as kube does for a version whose schema an update did not change (the total still counts).
   */
  public static SchemaRules compile(JsonNode schema, String basePath, boolean perExpressionCost) {
    List<SchemaError> errors = new ArrayList<>();
    RuleCosts costs = new RuleCosts(perExpressionCost);
    Node root = schema == null || !schema.isObject() ? null : node(schema, basePath, true, 1L, errors, costs);
    errors.addAll(costs.totalErrors(basePath));
    return new SchemaRules(root, errors);
  }

  /** The compile errors (empty when every rule compiled). */
  public List<SchemaError> errors() {
    return errors;
  }

  /** Whether there is any rule to evaluate. */
  public boolean isEmpty() {
    return root == null;
  }

  Node root() {
    return root;
  }

  /**
   * {@code cardinality}: the most times the node's rules can run for one object (the product of the
   * maxItems and maxProperties above it), null when a list or map above it is unbounded.
   */
  private static Node node(JsonNode s, String path, boolean isRoot, Long cardinality, List<SchemaError> errors,
                           RuleCosts costs) {
    List<Rule> rules = rules(s, path, isRoot, cardinality, errors, costs);
    Map<String, Node> props = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isObject()) {
        Node child = node(e.getValue(), path + ".properties[" + e.getKey() + "]", false, cardinality, errors, costs);
        if (child != null) {
          props.put(e.getKey(), child);
        }
      }
    }
    Node additional = s.path("additionalProperties").isObject() ? node(s.get("additionalProperties"),
        path + ".additionalProperties", false, RuleCosts.times(cardinality, s.get("maxProperties")), errors, costs)
        : null;
    Node items = s.path("items").isObject() ? node(s.get("items"), path + ".items", false,
        RuleCosts.times(cardinality, s.get("maxItems")), errors, costs) : null;
    List<Node> allOf = new ArrayList<>();
    for (int i = 0; i < s.path("allOf").size(); i++) {
      Node n = node(s.get("allOf").get(i), path + ".allOf[" + i + "]", isRoot, cardinality, errors, costs);
      if (n != null) {
        allOf.add(n);
      }
    }
    if (rules.isEmpty() && props.isEmpty() && additional == null && items == null && allOf.isEmpty()) {
      return null;
    }
    List<String> mapKeys = new ArrayList<>();
    if ("map".equals(s.path("x-kubernetes-list-type").asText())) {
      s.path("x-kubernetes-list-map-keys").forEach(k -> mapKeys.add(k.asText()));
    }
    return new Node(s, s.path("type").asText(""), rules, props, additional, items, allOf, mapKeys, isRoot);
  }

  private static List<Rule> rules(JsonNode s, String path, boolean isRoot, Long cardinality, List<SchemaError> errors,
                                  RuleCosts costs) {
    List<Rule> out = new ArrayList<>();
    JsonNode list = s.path("x-kubernetes-validations");
    SchemaTypes.Declared declared = list.size() == 0 ? null : SchemaTypes.of(s, isRoot);
    CelType self = declared == null ? SimpleType.DYN : declared.type();
    for (int i = 0; i < list.size(); i++) {
      JsonNode r = list.get(i);
      String field = path + ".x-kubernetes-validations[" + i + "]";
      String text = r.path("rule").asText("");
      if (text.isBlank()) {
        errors.add(new SchemaError("FieldValueRequired", field + ".rule", "Required value"));
        continue;
      }
      boolean optionalOld = r.path("optionalOldSelf").asBoolean(false);
      Map<String, CelType> vars = Map.of("self", self, "oldSelf", optionalOld ? OptionalType.create(self) : self);
      CelEngine.Compiled rule = CelEngine.compile(text, vars, declared.provider(), true);
      if (rule.ok()) {
        costs.rule(field + ".rule", rule.program(), declared.self(), cardinality, errors);
      }
      if (!rule.ok()) {
        errors.add(new SchemaError("FieldValueInvalid", field + ".rule", "Invalid value: " + goStruct(r) + ": "
            + rule.error()));
        continue;
      }
      if (optionalOld && !rule.program().uses("oldSelf")) {
        errors.add(new SchemaError("FieldValueInvalid", field + ".optionalOldSelf", "Invalid value: true: may not be "
            + "set on rules that do not reference oldSelf"));
      }
      String message = r.path("message").asText("");
      if (message.contains("\n")) {
        errors.add(new SchemaError("FieldValueForbidden", field + ".message", "Forbidden: message must not contain "
            + "line breaks"));
      }
      if (message.isEmpty() && text.contains("\n")) {
        errors.add(new SchemaError("FieldValueRequired", field + ".message", "Required value: message must be "
            + "specified if rule contains line breaks"));
      }
      CelProgram msg = null;
      String msgText = r.path("messageExpression").asText("");
      if (!msgText.isBlank()) {
        CelEngine.Compiled m = CelEngine.compile(msgText, vars, declared.provider(), false);
        if (!m.ok()) {
          errors.add(new SchemaError("FieldValueInvalid", field + ".messageExpression", "Invalid value: "
              + goStruct(r) + ": messageExpression " + m.error()));
          continue;
        }
        if (!m.program().resultType().equals(SimpleType.STRING) && !m.program().resultType().equals(SimpleType.DYN)) {
          errors.add(new SchemaError("FieldValueInvalid", field + ".messageExpression", "Invalid value: "
              + goStruct(r) + ": must evaluate to a string"));
          continue;
        }
        msg = m.program();
        costs.messageExpression(field + ".messageExpression", msg, declared.self(), errors);
      }
      String reason = r.path("reason").asText("");
      if (!reason.isEmpty() && !REASONS.contains(reason)) {
        errors.add(new SchemaError("FieldValueNotSupported", field + ".reason", "Unsupported value: \"" + reason
            + "\": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", \"FieldValueInvalid\", "
            + "\"FieldValueRequired\""));
        continue;
      }
      String fieldPath = r.path("fieldPath").asText("");
      String normalized = "";
      if (!fieldPath.isEmpty()) {
        try {
          normalized = FieldPaths.normalize(fieldPath, s);
        } catch (IllegalArgumentException e) {
          errors.add(new SchemaError("FieldValueInvalid", field + ".fieldPath", "Invalid value: \"" + fieldPath
              + "\": fieldPath must be a valid path: " + e.getMessage()));
          continue;
        }
      }
      out.add(new Rule(text, message, rule.program(), msg, reason.isEmpty() ? "FieldValueInvalid" : reason,
          normalized, optionalOld));
    }
    return out;
  }

  /** Go's {@code %#v} of an {@code apiextensions.ValidationRule}, as kube's compile errors show it. */
  static String goStruct(JsonNode r) {
    String reason = r.hasNonNull("reason")
        ? "(*apiextensions.FieldValueErrorReason)(0x" + Integer.toHexString(r.get("reason").asText().hashCode()) + ")"
        : "(*apiextensions.FieldValueErrorReason)(nil)";
    String optional = r.hasNonNull("optionalOldSelf") ? "(*bool)(0x" + Integer.toHexString(System.identityHashCode(r))
        + ")" : "(*bool)(nil)";
    return "apiextensions.ValidationRule{Rule:" + quote(r.path("rule").asText("")) + ", Message:"
        + quote(r.path("message").asText("")) + ", MessageExpression:" + quote(r.path("messageExpression").asText(""))
        + ", Reason:" + reason + ", FieldPath:" + quote(r.path("fieldPath").asText("")) + ", OptionalOldSelf:"
        + optional + "}";
  }

  private static String quote(String s) {
    return Json.MAPPER.getNodeFactory().textNode(s).toString();
  }
}
