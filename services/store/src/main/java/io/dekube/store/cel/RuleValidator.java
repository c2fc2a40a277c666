package io.dekube.store.cel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.crd.schema.SchemaError;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates a CRD version's compiled {@link SchemaRules} against a custom resource as kube's CEL
 * validator does: each rule with {@code self} bound at its schema node (null values skipped),
 * transition rules (those using {@code oldSelf}) only where an old value correlates — same property,
 * same key of a {@code map} list — unless {@code optionalOldSelf}, unchanged values ratcheted (a rule
 * without oldSelf that fails on a value equal to its old one is not reported), and kube's field
 * errors: {@code spec: Invalid value: "object": <message>}, {@code failed rule: <rule>} without a
 * message. Each call is bounded by {@link StepBudget#PER_CALL_LIMIT} and the whole object by
 * {@link #PER_OBJECT_BUDGET} steps. Runs on the writer's thread; stateless.
 */
public final class RuleValidator {

  /** Steps the rules of one object may take in all (kube's {@code RuntimeCELCostBudget}). */
  public static final long PER_OBJECT_BUDGET = 10_000_000L;

  private final List<SchemaError> errors = new ArrayList<>();
  private long remaining = PER_OBJECT_BUDGET;
  private boolean stopped;

  private RuleValidator() {
  }

  /** The rule violations of {@code obj} ({@code old}: the stored object on update, else null). */
  public static List<SchemaError> validate(SchemaRules rules, JsonNode obj, JsonNode old) {
    if (rules.isEmpty() || obj == null) {
      return List.of();
    }
    RuleValidator v = new RuleValidator();
    v.node(rules.root(), obj, old, null);
    return v.errors;
  }

  private void node(SchemaRules.Node n, JsonNode v, JsonNode old, String path) {
    if (stopped || v == null || v.isNull() || v.isMissingNode()) {
      return;
    }
    if (old != null && (old.isNull() || old.isMissingNode())) {
      old = null;
    }
    if (!n.rules().isEmpty()) {
      rules(n, v, old, path);
    }
    for (SchemaRules.Node a : n.allOf()) {
      node(a, v, old, path);
    }
    if (v.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext() && !stopped; ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode oldChild = old != null && old.isObject() ? old.get(e.getKey()) : null;
        SchemaRules.Node child = n.properties().get(e.getKey());
        if (child != null) {
          node(child, e.getValue(), oldChild, path == null ? e.getKey() : path + "." + e.getKey());
        } else if (n.additional() != null) {
          node(n.additional(), e.getValue(), oldChild, (path == null ? "" : path) + "[" + e.getKey() + "]");
        }
      }
    } else if (v.isArray() && n.items() != null) {
      for (int i = 0; i < v.size() && !stopped; i++) {
        JsonNode oldItem = n.mapKeys().isEmpty() || old == null ? null : correlate(v.get(i), old, n.mapKeys());
        node(n.items(), v.get(i), oldItem, (path == null ? "" : path) + "[" + i + "]");
      }
    }
  }

  private static JsonNode correlate(JsonNode item, JsonNode oldList, List<String> keys) {
    for (JsonNode o : oldList) {
      boolean same = true;
      for (String k : keys) {
        same &= item.path(k).equals(o.path(k));
      }
      if (same) {
        return o;
      }
    }
    return null;
  }

  private void rules(SchemaRules.Node n, JsonNode v, JsonNode old, String path) {
    String at = path == null ? "<nil>" : path;
    Object self = CelValues.of(n.root() ? rootView(v) : v, n.schema());
    Object oldSelf = old == null ? null : CelValues.of(n.root() ? rootView(old) : old, n.schema());
    for (SchemaRules.Rule r : n.rules()) {
      boolean usesOld = r.program().uses("oldSelf");
      if (usesOld && oldSelf == null && !r.optionalOldSelf()) {
        continue;
      }
      if (remaining <= 0) {
        add("FieldValueInvalid", at, n, "validation failed due to running out of cost budget, no further validation "
            + "rules will be run");
        stopped = true;
        return;
      }
      Map<String, Object> vars = new HashMap<>();
      vars.put("self", self);
      if (r.optionalOldSelf()) {
        vars.put("oldSelf", Optional.ofNullable(oldSelf));
      } else if (oldSelf != null) {
        vars.put("oldSelf", oldSelf);
      }
      String ruleText = r.message().isBlank() ? r.rule().trim() : r.message().trim();
      Object result;
      StepBudget budget = new StepBudget(Math.min(StepBudget.PER_CALL_LIMIT, remaining));
      try {
        result = CelEngine.eval(r.program(), vars, budget);
      } catch (CelEngine.EvalError e) {
        remaining -= budget.steps();
        if (e.costExceeded()) {
          add("FieldValueInvalid", at, n, "'" + e.getMessage() + "': no further validation rules will be run due to "
              + "call cost exceeds limit for rule: " + ruleText);
          stopped = true;
          return;
        }
        add("FieldValueInvalid", at, n, e.getMessage() + " evaluating rule: " + ruleText);
        continue;
      }
      remaining -= budget.steps();
      if (Boolean.TRUE.equals(result)) {
        continue;
      }
      if (!usesOld && old != null && old.equals(v)) {
        continue;
      }
      String field = r.fieldPath().isEmpty() ? at : path == null ? r.fieldPath()
          : r.fieldPath().startsWith("[") ? path + r.fieldPath() : path + "." + r.fieldPath();
      add(r.reason(), field, n, detail(r, vars));
    }
  }

  private String detail(SchemaRules.Rule r, Map<String, Object> vars) {
    if (r.messageProgram() != null) {
      StepBudget budget = new StepBudget(Math.min(StepBudget.PER_CALL_LIMIT, Math.max(remaining, 0)));
      try {
        Object m = CelEngine.eval(r.messageProgram(), vars, budget);
        remaining -= budget.steps();
        if (m instanceof String s && !s.isBlank() && !s.contains("\n") && s.trim().length() <= 5 * 1024) {
          return s.trim();
        }
      } catch (CelEngine.EvalError e) {
        remaining -= budget.steps();
      }
    }
    return r.message().isBlank() ? "failed rule: " + r.rule().trim() : r.message().trim();
  }

  private void add(String reason, String field, SchemaRules.Node n, String detail) {
    String value = Json.MAPPER.getNodeFactory().textNode(n.type()).toString();
    String body = switch (reason) {
      case "FieldValueForbidden" -> "Forbidden: " + detail;
      case "FieldValueRequired" -> "Required value: " + detail;
      case "FieldValueDuplicate" -> "Duplicate value: " + value;
      default -> "Invalid value: " + value + ": " + detail;
    };
    errors.add(new SchemaError(reason, field, body));
  }

  /** The resource root as kube shows it to rules: apiVersion, kind, and only metadata's name and generateName. */
  private static JsonNode rootView(JsonNode obj) {
    if (!obj.isObject() || !obj.has("metadata")) {
      return obj;
    }
    ObjectNode copy = ((ObjectNode) obj).deepCopy();
    ObjectNode meta = Json.object();
    JsonNode m = obj.path("metadata");
    if (m.has("name")) {
      meta.set("name", m.get("name"));
    }
    if (m.has("generateName")) {
      meta.set("generateName", m.get("generateName"));
    }
    copy.set("metadata", meta);
    return copy;
  }
}
