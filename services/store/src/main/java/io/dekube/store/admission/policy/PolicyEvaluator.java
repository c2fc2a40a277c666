package io.dekube.store.admission.policy;

import io.dekube.store.admission.webhook.MatchConditions;
import io.dekube.store.cel.CelEngine;
import io.dekube.store.cel.StepBudget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates one compiled policy against a request's CEL variables, as kube's policy validator:
 * matchConditions (false: the policy does not apply; an error is a failure), then every validation (the variables
 * evaluated when an expression first reads them, {@link LazyVariables}) — a false one fails with its
 * messageExpression, its message or
 * {@code failed expression: <expression>} and its reason (Invalid when unset); an error fails under
 * {@code failurePolicy: Fail} ({@code expression '...' resulted in error: ...}, without a reason: kube's dispatcher
 * answers it as Invalid, 422) and is ignored under {@code Ignore}; then the audit annotations' valueExpressions. Each expression runs within its own
 * {@link StepBudget}. Pure.
 */
final class PolicyEvaluator {

  /**
   * One failed validation: the text after {@code denied request: }, the Status reason, and the index of the
   * validation (kube's {@code expressionIndex}; 0 for a matchConditions error, kube's single decision).
   */
  record Failure(String message, String reason, int index) {

    Failure(String message, String reason) {
      this(message, reason, 0);
    }
  }

  /**
   * What one evaluation gives: the failed validations; the audit annotations to publish (key to trimmed value, in
   * their order); the audit annotations that failed under {@code failurePolicy: Fail}, which deny whatever the
   * binding's actions (kube's {@code AuditAnnotationActionError}).
   */
  record Evaluation(List<Failure> failures, Map<String, String> annotations, List<String> annotationErrors) {
  }

  /**
   * The reason of a failure that is an error, not a false validation: kube's decision carries none, and its
   * dispatcher answers it with {@code Invalid}.
   */
  static final String NO_REASON = "";

  /** kube's limit on an audit annotation's value: longer ones are cut to it. */
  static final int MAX_ANNOTATION_BYTES = 10 * 1024;

  private PolicyEvaluator() {
  }

  /** The failures of {@code policy} for the variables {@code base} (object, oldObject, request, params...). */
  static List<Failure> evaluate(CompiledPolicy policy, Map<String, Object> base) {
    return run(policy, base).failures();
  }

  /**
   * {@code policy} for the variables {@code base}: matchConditions, variables and validations, then the audit
   * annotations' valueExpressions (only when the conditions match, as kube's validator).
   */
  static Evaluation run(CompiledPolicy policy, Map<String, Object> base) {
    Map<String, Object> vars = new HashMap<>(base);
    vars.put("variables", new LazyVariables(policy.variables(), vars));
    MatchConditions.Result match = policy.conditions().evaluate(vars);
    if (match.error() != null) {
      return new Evaluation(policy.failOpen() ? List.of() : List.of(new Failure(match.error(), NO_REASON)),
          Map.of(), List.of());
    }
    if (!match.matches()) {
      return new Evaluation(List.of(), Map.of(), List.of());
    }
    List<Failure> out = new ArrayList<>();
    List<CompiledPolicy.Validation> validations = policy.validations();
    for (int i = 0; i < validations.size(); i++) {
      CompiledPolicy.Validation v = validations.get(i);
      CompiledPolicy.Expression e = v.expression();
      if (e.program() == null) {
        if (!policy.failOpen()) {
          out.add(new Failure("compilation error: " + e.error(), NO_REASON, i));
        }
        continue;
      }
      Object result;
      try {
        result = CelEngine.eval(e.program(), vars, new StepBudget());
      } catch (CelEngine.EvalError err) {
        if (!policy.failOpen()) {
          out.add(new Failure("expression '" + e.text() + "' resulted in error: " + err.getMessage(), NO_REASON, i));
        }
        continue;
      }
      if (!Boolean.TRUE.equals(result)) {
        out.add(new Failure(message(v, vars), v.reason(), i));
      }
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    for (CompiledPolicy.Expression a : policy.auditAnnotations()) {
      String error = annotation(a, vars, annotations);
      if (error != null && !policy.failOpen()) {
        errors.add(error);
      }
    }
    return new Evaluation(out, annotations, errors);
  }

  /**
   * One audit annotation, as kube's validator: a string is trimmed and kept unless empty (cut to
   * {@value #MAX_ANNOTATION_BYTES} bytes), null is left out, another type or an evaluation error is the error
   * returned (null: none).
   */
  private static String annotation(CompiledPolicy.Expression a, Map<String, Object> vars, Map<String, String> out) {
    if (a.program() == null) {
      return "compilation error: " + a.error();
    }
    Object value;
    try {
      value = CelEngine.eval(a.program(), vars, new StepBudget());
    } catch (CelEngine.EvalError err) {
      return "expression '" + a.text() + "' resulted in error: " + err.getMessage();
    }
    if (value instanceof String s) {
      String trimmed = s.trim();
      if (!trimmed.isEmpty()) {
        byte[] bytes = trimmed.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.put(a.name(), bytes.length <= MAX_ANNOTATION_BYTES ? trimmed
            : new String(bytes, 0, MAX_ANNOTATION_BYTES, java.nio.charset.StandardCharsets.UTF_8));
      }
      return null;
    }
    if (value == null || value instanceof dev.cel.common.values.NullValue
        || value instanceof com.google.protobuf.NullValue) {
      return null;
    }
    return "valueExpression '" + a.text() + "' resulted in unsupported return type: " + celType(value)
        + ". Return type must be either string or null.";
  }

  /** The name cel-go gives the type of a value cel-java returned. */
  private static String celType(Object v) {
    if (v instanceof Boolean) {
      return "bool";
    } else if (v instanceof Long || v instanceof Integer) {
      return "int";
    } else if (v instanceof Double) {
      return "double";
    } else if (v instanceof com.google.common.primitives.UnsignedLong) {
      return "uint";
    } else if (v instanceof List) {
      return "list";
    } else if (v instanceof Map) {
      return "map";
    } else if (v instanceof java.time.Duration || v instanceof com.google.protobuf.Duration) {
      return "google.protobuf.Duration";
    } else if (v instanceof java.time.Instant || v instanceof com.google.protobuf.Timestamp) {
      return "google.protobuf.Timestamp";
    } else if (v instanceof java.util.Optional) {
      return "optional_type";
    }
    return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT).contains("byte") ? "bytes" : "dyn";
  }

  private static String message(CompiledPolicy.Validation v, Map<String, Object> vars) {
    if (v.messageProgram() != null) {
      try {
        Object m = CelEngine.eval(v.messageProgram(), vars, new StepBudget());
        if (m instanceof String s && !s.isBlank() && !s.contains("\n")) {
          return s.trim();
        }
      } catch (CelEngine.EvalError e) {
        // kube falls back to the message
      }
    }
    if (!v.message().isBlank()) {
      return v.message().trim();
    }
    return "failed expression: " + v.expression().text().trim();
  }
}
