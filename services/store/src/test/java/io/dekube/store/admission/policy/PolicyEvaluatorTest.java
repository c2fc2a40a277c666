package io.dekube.store.admission.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.store.cel.CelValues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ValidatingAdmissionPolicy evaluation with the examples of kube's documentation. */
class PolicyEvaluatorTest {

  private static JsonNode yaml(String s) {
    try {
      return Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<String> failures(String spec, String object, String params) {
    CompiledPolicy policy = CompiledPolicy.of(yaml("metadata: {name: p}\nspec:\n" + spec.indent(2)));
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", CelValues.of(yaml(object)));
    vars.put("oldObject", CelValues.of(null));
    vars.put("request", CelValues.of(yaml("{operation: CREATE, resource: {group: '', version: v1, resource: pods}, "
        + "userInfo: {username: admin}}")));
    vars.put("params", CelValues.of(params == null ? null : yaml(params)));
    vars.put("namespaceObject", CelValues.of(null));
    return PolicyEvaluator.evaluate(policy, vars).stream()
        .map(f -> (f.reason().isEmpty() ? "(no reason)" : f.reason()) + ": " + f.message()).toList();
  }

  @Test
  void theDocsReplicaLimit() {
    String spec = "validations: [{expression: \"object.spec.replicas <= 5\"}]";
    assertEquals(List.of(), failures(spec, "spec: {replicas: 5}", null));
    assertEquals(List.of("Invalid: failed expression: object.spec.replicas <= 5"),
        failures(spec, "spec: {replicas: 6}", null));
  }

  @Test
  void paramsVariablesMessageExpressionAndReason() {
    String spec = """
        paramKind: {apiVersion: rules.example.com/v1, kind: ReplicaLimit}
        variables: [{name: replicas, expression: "object.spec.replicas"}]
        validations:
        - expression: "variables.replicas <= params.maxReplicas"
          messageExpression: "'object.spec.replicas must be no greater than ' + string(params.maxReplicas)"
          reason: Forbidden
        """;
    assertEquals(List.of("Forbidden: object.spec.replicas must be no greater than 3"),
        failures(spec, "spec: {replicas: 4}", "maxReplicas: 3"));
  }

  @Test
  void matchConditionsDecideWhetherThePolicyApplies() {
    String spec = """
        matchConditions:
        - name: exclude-leases
          expression: "!(request.resource.group == 'coordination.k8s.io' && request.resource.resource == 'leases')"
        - name: 'exclude-kubelet-requests'
          expression: "!('system:nodes' in request.userInfo.groups)"
        validations: [{expression: "false", message: always}]
        """;
    assertEquals(List.of("(no reason): expression '!('system:nodes' in request.userInfo.groups)' resulted in error: "
        + "no such key: groups"), failures(spec, "{}", null));
  }

  @Test
  void anEvaluationErrorFailsUnderFailAndIsIgnoredUnderIgnore() {
    String spec = "validations: [{expression: \"object.spec.missing > 1\", message: m}]";
    assertEquals(List.of("(no reason): expression 'object.spec.missing > 1' resulted in error: no such key: missing"),
        failures(spec, "spec: {}", null));
    assertEquals(List.of(), failures("failurePolicy: Ignore\n" + spec, "spec: {}", null));
  }

  /**
   * kube's composition context: a variable runs when an expression first reads it (a messageExpression too), each
   * seeing those it reads; an unused failing one denies nothing.
   */
  @Test
  void variablesAreEvaluatedWhenFirstRead() {
    String spec = """
        variables:
        - {name: broken, expression: "object.spec.missing > 1"}
        - {name: replicas, expression: "object.spec.replicas"}
        - {name: many, expression: "variables.replicas > 5"}
        validations: [{expression: "!variables.many", messageExpression: "'replicas: ' + string(variables.replicas)"}]
        """;
    assertEquals(List.of(), failures(spec, "spec: {replicas: 3}", null), "the unused broken variable never ran");
    assertEquals(List.of("Invalid: replicas: 6"), failures(spec, "spec: {replicas: 6}", null));
  }

  /** The error of a variable is the error of the expression that reads it, in kube's words. */
  @Test
  void aFailingVariableIsAnErrorOfTheExpressionThatReadsIt() {
    String spec = """
        variables: [{name: broken, expression: "object.spec.missing > 1"}]
        validations: [{expression: "variables.broken"}]
        """;
    assertEquals(List.of("(no reason): expression 'variables.broken' resulted in error: composited variable \"broken\" "
        + "fails to evaluate: no such key: missing"), failures(spec, "spec: {}", null));
    assertEquals(List.of(), failures("failurePolicy: Ignore\n" + spec, "spec: {}", null));
  }

  /** kube's validator of audit annotations: strings trimmed (cut at 10 KiB), null and blank left out, other types fail. */
  @Test
  void auditAnnotationValues() {
    String spec = """
        auditAnnotations:
        - {key: name, valueExpression: "' ' + object.metadata.name + ' '"}
        - {key: none, valueExpression: "null"}
        - {key: long, valueExpression: "object.spec.long"}
        - {key: number, valueExpression: "object.spec.replicas"}
        """;
    CompiledPolicy policy = CompiledPolicy.of(yaml("metadata: {name: p}\nspec:\n" + spec.indent(2)));
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", CelValues.of(yaml("{metadata: {name: web}, spec: {replicas: 3, long: " + "x".repeat(20000)
        + "}}")));
    PolicyEvaluator.Evaluation e = PolicyEvaluator.run(policy, vars);
    assertEquals(List.of("name", "long"), List.copyOf(e.annotations().keySet()));
    assertEquals("web", e.annotations().get("name"));
    assertEquals(10 * 1024, e.annotations().get("long").length());
    assertEquals(List.of("valueExpression 'object.spec.replicas' resulted in unsupported return type: int. "
        + "Return type must be either string or null."), e.annotationErrors());
    CompiledPolicy ignored = CompiledPolicy.of(yaml("metadata: {name: p}\nspec:\n"
        + ("failurePolicy: Ignore\n" + spec).indent(2)));
    assertEquals(List.of(), PolicyEvaluator.run(ignored, vars).annotationErrors());
  }
}
