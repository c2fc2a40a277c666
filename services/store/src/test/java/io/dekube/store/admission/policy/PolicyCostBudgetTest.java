package io.dekube.store.admission.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.types.SimpleType;
import io.dekube.core.model.Json;
import io.dekube.store.cel.CelEngine;
import io.dekube.store.cel.CelValues;
import io.dekube.store.cel.CostBudget;
import io.dekube.store.cel.StepBudget;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * kube 1.32's runtime cost budget of a ValidatingAdmissionPolicy's evaluation, with kube's own limits: each expression
 * past {@code PerCallLimit} fails alone; the validations share {@code RuntimeCELCostBudget}, the messageExpressions
 * what they left, the audit annotations a budget of their own, the matchConditions
 * {@code RuntimeCELCostBudgetMatchConditions}; running out ends the evaluation with kube's one error, which the
 * failurePolicy decides on.
 */
class PolicyCostBudgetTest {

  private static final String OUT = "validation failed due to running out of cost budget, no further validation rules"
      + " will be run";
  /** The object the policies see: 200 numbers in {@code spec.items}, a double loop over which is 40,000 iterations. */
  private static final JsonNode OBJECT = yaml("{metadata: {name: web}, spec: {replicas: 3, items: "
      + IntStream.range(0, 200).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")) + "}}");
  private static final String LIST = "object.spec.items";
  /** True, at a cost well under the per-call limit (measured: {@link #COST}). */
  private static final String COSTLY = LIST + ".all(x, " + LIST + ".all(y, x + y >= 0))";
  /** What {@link #COSTLY} costs, as the budget counts it. */
  private static final long COST = cost(COSTLY);

  private static long cost(String expression) {
    StepBudget steps = new StepBudget();
    try {
      assertEquals(true, CelEngine.eval(CelEngine.compile(expression, Map.of("object", SimpleType.DYN), true)
          .program(), Map.of("object", CelValues.of(OBJECT)), steps));
    } catch (CelEngine.EvalError e) {
      throw new AssertionError(e);
    }
    return steps.steps();
  }

  /** How many {@link #COSTLY} expressions it takes to spend more than {@code budget}. */
  private static int toSpend(long budget) {
    return (int) (budget / COST) + 1;
  }

  /** How many {@link #COSTLY} expressions fit in {@code budget} with room for a few cheap ones. */
  private static int fitting(long budget) {
    return (int) ((budget - COST / 2) / COST);
  }

  private static JsonNode yaml(String s) {
    try {
      return Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * A budget of a few {@link #COSTLY} expressions, for the phases whose sharing does not depend on the limit's value
   * (kube's validator takes its budget as a parameter for its tests the same way): it spares the shared machine ten
   * million steps a case.
   */
  private static final long SMALL = 4 * COST + COST / 2;

  private static PolicyEvaluator.Evaluation run(String spec) {
    return run(spec, CostBudget.POLICY);
  }

  private static PolicyEvaluator.Evaluation run(String spec, long budget) {
    CompiledPolicy policy = CompiledPolicy.of(yaml("metadata: {name: p}\nspec:\n" + spec.indent(2)));
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", CelValues.of(OBJECT));
    vars.put("oldObject", CelValues.of(null));
    vars.put("request", CelValues.of(yaml("{operation: CREATE, userInfo: {username: admin}}")));
    vars.put("params", CelValues.of(null));
    vars.put("namespaceObject", CelValues.of(null));
    return PolicyEvaluator.run(policy, vars, budget);
  }

  private static List<String> failures(String spec) {
    return failures(spec, CostBudget.POLICY);
  }

  private static List<String> failures(String spec, long budget) {
    return run(spec, budget).failures().stream()
        .map(f -> (f.reason().isEmpty() ? "(no reason)" : f.reason()) + " [" + f.index() + "]: " + f.message())
        .toList();
  }

  /** {@code n} validations of {@code expression} (and the fields after it), as YAML list items. */
  private static String repeated(int n, String expression, String more) {
    return ("- {expression: \"" + expression + "\"" + more + "}\n").repeat(n);
  }

  @Test
  void theCostIsMeasuredAsTheTestsAssume() {
    assertTrue(COST > 100_000 && COST < StepBudget.PER_CALL_LIMIT / 2, "cost " + COST);
  }

  @Test
  void anExpressionPastThePerCallLimitFailsAloneAndTheNextOnesRun() {
    String tooMuch = LIST + ".all(x, " + LIST + ".all(y, " + LIST + ".all(z, x + y + z >= 0)))";
    List<String> failed = failures("validations:\n- {expression: \"" + tooMuch + "\"}\n"
        + "- {expression: \"object.spec.replicas < 2\"}\n");
    assertEquals(List.of("(no reason) [0]: expression '" + tooMuch + "' resulted in error: operation cancelled: "
        + "actual cost limit exceeded", "Invalid [1]: failed expression: object.spec.replicas < 2"), failed);
  }

  @Test
  void theValidationsShareTheBudgetAndRunningOutIsOneFailureInPlaceOfTheirs() {
    // kube's ten million: each validation well under its per-call limit, together more
    String spec = "validations:\n- {expression: \"object.spec.replicas < 2\"}\n"
        + repeated(toSpend(CostBudget.POLICY), COSTLY, "");
    assertEquals(List.of("(no reason) [0]: " + OUT), failures(spec));
    // under Ignore the error admits: the first validation's failure goes with the rest
    String small = "validations:\n- {expression: \"object.spec.replicas < 2\"}\n"
        + repeated(toSpend(SMALL), COSTLY, "");
    assertEquals(List.of("(no reason) [0]: " + OUT), failures(small, SMALL));
    assertEquals(List.of(), failures("failurePolicy: Ignore\n" + small, SMALL));
    // as many as fit: each passes, and the first one's failure is kept
    assertEquals(List.of("Invalid [0]: failed expression: object.spec.replicas < 2"),
        failures("validations:\n- {expression: \"object.spec.replicas < 2\"}\n"
            + repeated(fitting(SMALL), COSTLY, ""), SMALL));
  }

  @Test
  void theVariablesAValidationReadsAreChargedOnceToItsBudget() {
    int n = toSpend(SMALL);
    String variables = IntStream.range(0, n).mapToObj(i -> "- {name: v" + i + ", expression: \"" + COSTLY + "\"}\n")
        .collect(Collectors.joining());
    String all = IntStream.range(0, n).mapToObj(i -> "variables.v" + i).collect(Collectors.joining(" && "));
    // one cheap validation reading every variable spends more than the budget
    assertEquals(List.of("(no reason) [0]: " + OUT),
        failures("variables:\n" + variables + "validations:\n- {expression: \"" + all + "\"}\n", SMALL));
    // one variable read by every validation is evaluated, and charged, once
    assertEquals(List.of(), failures("variables:\n- {name: v, expression: \"" + COSTLY + "\"}\nvalidations:\n"
        + repeated(n, "variables.v", ""), SMALL));
  }

  @Test
  void messageExpressionsSpendWhatTheValidationsLeft() {
    int half = toSpend(SMALL / 2);
    // the validations pass and spend half of the budget; their messageExpressions, evaluated all the same, the rest:
    // every validation fails as kube's validator answers a messageExpression out of budget
    String spec = "validations:\n" + repeated(half, COSTLY, ", messageExpression: \"" + COSTLY
        + " ? 'costly' : 'cheap'\"");
    List<String> failed = failures(spec, SMALL);
    assertEquals(half, failed.size(), failed.toString());
    assertEquals("(no reason) [0]: failed messageExpression: " + OUT, failed.get(0));
    assertEquals(List.of(), failures("failurePolicy: Ignore\n" + spec, SMALL));
    // a messageExpression past the per-call limit is its own error: the message falls back
    String tooMuch = LIST + ".all(x, " + LIST + ".all(y, " + LIST + ".all(z, x + y + z >= 0)))";
    assertEquals(List.of("Invalid [0]: replicas"), failures("validations:\n- {expression: \"false\", message: replicas,"
        + " messageExpression: \"" + tooMuch + " ? 'a' : 'b'\"}\n"));
  }

  @Test
  void auditAnnotationsHaveABudgetOfTheirOwnAndRunningOutReplacesTheValidations() {
    int n = fitting(SMALL);
    String validations = "validations:\n- {expression: \"object.spec.replicas < 2\"}\n" + repeated(n, COSTLY, "");
    // the validations spend nearly all of their budget, the annotations as much of theirs
    PolicyEvaluator.Evaluation fits = run(validations + "auditAnnotations:\n" + annotations(n), SMALL);
    assertEquals(1, fits.failures().size(), fits.failures().toString());
    assertEquals(n, fits.annotations().size());
    PolicyEvaluator.Evaluation out = run(validations + "auditAnnotations:\n"
        + annotations(toSpend(SMALL)), SMALL);
    assertEquals(List.of(OUT), out.failures().stream().map(PolicyEvaluator.Failure::message).toList());
    assertEquals(Map.of(), out.annotations());
  }

  private static String annotations(int n) {
    return IntStream.range(0, n).mapToObj(i -> "- {key: k" + i + ", valueExpression: \"" + COSTLY
        + " ? 'yes' : 'no'\"}\n").collect(Collectors.joining());
  }

  @Test
  void matchConditionsRunAllWithinTheirBudgetBeforeAFalseOneSkipsThePolicy() {
    String conditions = "matchConditions:\n- {name: first, expression: \"false\"}\n"
        + IntStream.range(0, toSpend(CostBudget.MATCH_CONDITIONS)).mapToObj(i -> "- {name: c" + i
        + ", expression: \"" + COSTLY + "\"}\n").collect(Collectors.joining());
    String spec = conditions + "validations:\n- {expression: \"false\"}\n";
    assertEquals(List.of("(no reason) [0]: " + OUT), failures(spec));
    assertEquals(List.of(), failures("failurePolicy: Ignore\n" + spec));
    // within the budget, the false condition skips the policy
    String fewer = "matchConditions:\n- {name: first, expression: \"false\"}\n- {name: c, expression: \"" + COSTLY
        + "\"}\nvalidations:\n- {expression: \"false\"}\n";
    assertEquals(List.of(), failures(fewer));
  }
}
