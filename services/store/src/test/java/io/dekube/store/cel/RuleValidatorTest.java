package io.dekube.store.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.crd.schema.SchemaError;
import io.dekube.core.model.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** x-kubernetes-validations with the examples of kube's "Validation rules" documentation. */
class RuleValidatorTest {

  private static JsonNode yaml(String s) {
    try {
      return Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<String> errors(String schema, String obj, String old) {
    SchemaRules rules = SchemaRules.compile(yaml(schema), "");
    assertEquals(List.of(), rules.errors());
    return RuleValidator.validate(rules, yaml(obj), old == null ? null : yaml(old)).stream()
        .map(e -> e.field() + ": " + e.body()).toList();
  }

  private static final String REPLICAS = """
      type: object
      properties:
        spec:
          type: object
          x-kubernetes-validations:
          - rule: "self.minReplicas <= self.replicas && self.replicas <= self.maxReplicas"
            message: "replicas should be in the range minReplicas..maxReplicas."
          properties:
            minReplicas: {type: integer}
            replicas: {type: integer}
            maxReplicas: {type: integer}
      """;

  @Test
  void aFalseRuleIsAnInvalidValueOfItsNodeWithTheMessage() {
    assertEquals(List.of(), errors(REPLICAS, "spec: {minReplicas: 1, replicas: 3, maxReplicas: 5}", null));
    assertEquals(List.of("spec: Invalid value: \"object\": replicas should be in the range minReplicas..maxReplicas."),
        errors(REPLICAS, "spec: {minReplicas: 1, replicas: 7, maxReplicas: 5}", null));
  }

  @Test
  void withoutAMessageTheRuleIsQuoted() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            properties:
              x: {type: string, x-kubernetes-validations: [{rule: "self.startsWith('a')"}]}
        x-kubernetes-validations: [{rule: "self.metadata.name.size() < 5"}]
        """;
    assertEquals(List.of("<nil>: Invalid value: \"object\": failed rule: self.metadata.name.size() < 5",
            "spec.x: Invalid value: \"string\": failed rule: self.startsWith('a')"),
        errors(schema, "{apiVersion: a/v1, kind: K, metadata: {name: toolong}, spec: {x: b}}", null));
  }

  @Test
  void transitionRulesRunOnlyOnUpdate() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            properties:
              name:
                type: string
                x-kubernetes-validations: [{rule: "self == oldSelf", message: "Value is immutable"}]
        """;
    assertEquals(List.of(), errors(schema, "spec: {name: a}", null));
    assertEquals(List.of(), errors(schema, "spec: {name: a}", "spec: {name: a}"));
    assertEquals(List.of("spec.name: Invalid value: \"string\": Value is immutable"),
        errors(schema, "spec: {name: b}", "spec: {name: a}"));
    assertEquals(List.of(), errors(schema, "spec: {name: b}", "spec: {}"));
  }

  @Test
  void optionalOldSelfIsEvaluatedOnCreateToo() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            properties:
              v:
                type: integer
                x-kubernetes-validations:
                - {rule: "oldSelf.hasValue() ? self >= oldSelf.value() : self < 10", optionalOldSelf: true}
        """;
    assertEquals(1, errors(schema, "spec: {v: 12}", null).size());
    assertEquals(List.of(), errors(schema, "spec: {v: 12}", "spec: {v: 11}"));
    assertEquals(1, errors(schema, "spec: {v: 10}", "spec: {v: 11}").size());
  }

  @Test
  void messageExpressionReasonAndFieldPath() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: "self.x <= self.maxLimit"
              messageExpression: "'x exceeded max limit of ' + string(self.maxLimit)"
              reason: FieldValueForbidden
              fieldPath: ".x"
            properties:
              x: {type: integer}
              maxLimit: {type: integer}
        """;
    assertEquals(List.of("spec.x: Forbidden: x exceeded max limit of 5"),
        errors(schema, "spec: {x: 7, maxLimit: 5}", null));
  }

  @Test
  void listsMapsAndIntOrString() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            properties:
              labels:
                type: object
                additionalProperties: {type: string}
                x-kubernetes-validations: [{rule: "self.all(k, k.size() < 10 && self[k] != '')"}]
              ports:
                type: array
                items: {type: integer}
                x-kubernetes-validations: [{rule: "self.all(p, p > 0) && self.isSorted()", message: "sorted ports"}]
              port:
                x-kubernetes-int-or-string: true
                x-kubernetes-validations: [{rule: "type(self) == int ? self > 0 : self.matches('^[a-z]+$')"}]
        """;
    assertEquals(List.of(), errors(schema, "spec: {labels: {a: b}, ports: [1, 2], port: http}", null));
    assertEquals(List.of("spec.labels: Invalid value: \"object\": failed rule: self.all(k, k.size() < 10 && self[k] != '')",
            "spec.ports: Invalid value: \"array\": sorted ports",
            "spec.port: Invalid value: \"\": failed rule: type(self) == int ? self > 0 : self.matches('^[a-z]+$')"),
        errors(schema, "spec: {labels: {a: ''}, ports: [2, 1], port: 0}", null));
  }

  @Test
  void anEvaluationErrorNamesTheRule() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations: [{rule: "self.missing == 1"}]
        """;
    assertEquals(List.of("spec: Invalid value: \"object\": no such key: missing evaluating rule: self.missing == 1"),
        errors(schema, "spec: {}", null));
  }

  @Test
  void aRuleThatDoesNotCompileReadsAsKubesCrdError() {
    SchemaRules rules = SchemaRules.compile(yaml("""
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations: [{rule: "self.replicas <"}, {rule: "'a'"}, {rule: "true", reason: Bad}]
        """), "spec.versions[0].schema.openAPIV3Schema");
    List<SchemaError> errs = rules.errors();
    assertEquals(3, errs.size(), errs.toString());
    assertEquals("spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule",
        errs.get(0).field());
    assertTrue(errs.get(0).body().startsWith("Invalid value: apiextensions.ValidationRule{Rule:\"self.replicas <\", "
        + "Message:\"\", MessageExpression:\"\", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:\"\", "
        + "OptionalOldSelf:(*bool)(nil)}: compilation failed: ERROR: <input>:1:"), errs.get(0).body());
    assertTrue(errs.get(1).body().endsWith(": cel expression must evaluate to a bool"), errs.get(1).body());
    assertEquals("FieldValueNotSupported", errs.get(2).reason());
  }

  @Test
  void aRuleCannotHangTheWriter() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            properties:
              xs:
                type: array
                items: {type: integer}
                x-kubernetes-validations: [{rule: "self.all(a, self.all(b, self.all(c, a + b + c >= 0)))"}]
        """;
    StringBuilder xs = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      xs.append(i == 0 ? "" : ",").append(i);
    }
    List<String> errs = errors(schema, "spec: {xs: [" + xs + "]}", null);
    assertEquals(1, errs.size());
    assertTrue(errs.get(0).contains("no further validation rules will be run due to call cost exceeds limit"),
        errs.get(0));
  }
}
