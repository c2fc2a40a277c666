package io.dekube.store.admission.policy;

import io.dekube.store.admission.webhook.MatchConditions;
import io.dekube.store.cel.CelEngine;
import io.dekube.store.cel.CelProgram;
import io.dekube.store.cel.CostBudget;
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
 * answers it as Invalid, 422) and is ignored under {@code Ignore}; then the audit annotations' valueExpressions. The
 * expressions run within kube's runtime cost budget ({@link CostBudget}: a per-call limit for each, a budget shared by
 * each phase's). Pure.
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

  /** kube's {@code MaxEvaluatedMessageExpressionSizeBytes}: a longer messageExpression result is not used. */
  static final int MAX_MESSAGE_BYTES = 5 * 1024;

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
   * annotations' valueExpressions (only when the conditions match, as kube's validator), within kube's
   * {@link CostBudget#POLICY}.
   */
  static Evaluation run(CompiledPolicy policy, Map<String, Object> base) {
    return run(policy, base, CostBudget.POLICY);
  }

  /**
   * As above within {@code budget} cost units (kube's validator takes its {@code runtimeCELCostBudget} the same way,
   * for its tests), as kube 1.32's validator spends it: the validations share it (with the variables they read), the
   * messageExpressions — every one, whatever its validation gave — share what they left, the audit annotations get
   * a budget of their own; each expression past its per-call limit fails alone. Running out ends the evaluation
   * with kube's single {@link CostBudget#OUT_OF_BUDGET} failure (none under {@code Ignore}): of the validations, and
   * of the audit annotations, whose failure replaces the validations' outcome; the messageExpressions' makes every
   * validation that did not fail by an error fail with {@code failed messageExpression: ...}.
   */
  static Evaluation run(CompiledPolicy policy, Map<String, Object> base, long budget) {
    Map<String, Object> vars = new HashMap<>(base);
    vars.put("variables", new LazyVariables(policy.variables(), vars));
    MatchConditions.Result match = policy.conditions().evaluate(vars);
    if (match.error() != null) {
      return failed(policy, match.error());
    }
    if (!match.matches()) {
      return new Evaluation(List.of(), Map.of(), List.of());
    }
    List<CompiledPolicy.Validation> validations = policy.validations();
    Object[] results = new Object[validations.size()];
    String[] errors = new String[validations.size()];
    CostBudget costs = new CostBudget(budget);
    LazyVariables variables = phase(policy, vars);
    try {
      for (int i = 0; i < validations.size(); i++) {
        CompiledPolicy.Expression e = validations.get(i).expression();
        if (e.program() == null) {
          errors[i] = "compilation error: " + e.error();
          continue;
        }
        try {
          results[i] = costs.eval(e.program(), vars, variables::takeCost);
        } catch (CelEngine.EvalError err) {
          errors[i] = "expression '" + e.text() + "' resulted in error: " + err.getMessage();
        }
      }
    } catch (CostBudget.OutOfBudget out) {
      return failed(policy, out.getMessage());
    }
    Object[] messages = new Object[validations.size()];
    String messagesFailed = messages(validations, vars, phase(policy, vars), new CostBudget(costs.remaining()),
        messages);
    List<Failure> out = new ArrayList<>();
    for (int i = 0; i < validations.size(); i++) {
      if (errors[i] != null || messagesFailed != null) {
        if (!policy.failOpen()) {
          out.add(new Failure(errors[i] != null ? errors[i] : "failed messageExpression: " + messagesFailed,
              NO_REASON, i));
        }
      } else if (!Boolean.TRUE.equals(results[i])) {
        out.add(new Failure(message(validations.get(i), messages[i]), validations.get(i).reason(), i));
      }
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    List<String> annotationErrors = new ArrayList<>();
    CostBudget annotationCosts = new CostBudget(budget);
    LazyVariables annotationVariables = phase(policy, vars);
    try {
      for (CompiledPolicy.Expression a : policy.auditAnnotations()) {
        String error = annotation(a, vars, annotationCosts, annotationVariables, annotations);
        if (error != null && !policy.failOpen()) {
          annotationErrors.add(error);
        }
      }
    } catch (CostBudget.OutOfBudget ran) {
      return failed(policy, ran.getMessage());
    }
    return new Evaluation(out, annotations, annotationErrors);
  }

  /** kube's single decision for an error of the whole evaluation: a failure under Fail, nothing under Ignore. */
  private static Evaluation failed(CompiledPolicy policy, String message) {
    return new Evaluation(policy.failOpen() ? List.of() : List.of(new Failure(message, NO_REASON)), Map.of(),
        List.of());
  }

  /** The variables for one of the evaluation's phases: kube's new composition context per filter. */
  private static LazyVariables phase(CompiledPolicy policy, Map<String, Object> vars) {
    LazyVariables variables = new LazyVariables(policy.variables(), vars);
    vars.put("variables", variables);
    return variables;
  }

  /**
   * Every validation's messageExpression into {@code out} (a failed one left null: kube logs it and falls back),
   * within {@code costs}; the budget's error when it ran out, else null.
   */
  private static String messages(List<CompiledPolicy.Validation> validations, Map<String, Object> vars,
                                 LazyVariables variables, CostBudget costs, Object[] out) {
    for (int i = 0; i < validations.size(); i++) {
      CelProgram program = validations.get(i).messageProgram();
      if (program == null) {
        continue;
      }
      try {
        out[i] = costs.eval(program, vars, variables::takeCost);
      } catch (CelEngine.EvalError e) {
        // kube logs it and falls back to the message
      } catch (CostBudget.OutOfBudget ran) {
        return ran.getMessage();
      }
    }
    return null;
  }

  /**
   * One audit annotation, as kube's validator: a string is trimmed and kept unless empty (cut to
   * {@value #MAX_ANNOTATION_BYTES} bytes), null is left out, another type or an evaluation error is the error
   * returned (null: none).
   */
  private static String annotation(CompiledPolicy.Expression a, Map<String, Object> vars, CostBudget costs,
                                   LazyVariables variables, Map<String, String> out) throws CostBudget.OutOfBudget {
    if (a.program() == null) {
      return "compilation error: " + a.error();
    }
    Object value;
    try {
      value = costs.eval(a.program(), vars, variables::takeCost);
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

  /**
   * A failed validation's message: its messageExpression's string when it gave one (trimmed; kube drops one over
   * {@value #MAX_MESSAGE_BYTES} bytes or with a newline), else its message, else {@code failed expression: ...}.
   */
  private static String message(CompiledPolicy.Validation v, Object evaluated) {
    if (evaluated instanceof String s) {
      String m = s.trim();
      if (!m.isEmpty() && !m.contains("\n")
          && m.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_MESSAGE_BYTES) {
        return m;
      }
    }
    if (!v.message().isBlank()) {
      return v.message().trim();
    }
    return "failed expression: " + v.expression().text().trim();
  }
}
