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
              messageExpression: "'x exceeded max limit of ' + self.limitName"
              reason: FieldValueForbidden
              fieldPath: ".x"
            properties:
              x: {type: integer}
              maxLimit: {type: integer}
              limitName: {type: string, maxLength: 16}
        """;
    assertEquals(List.of("spec.x: Forbidden: x exceeded max limit of five"),
        errors(schema, "spec: {x: 7, maxLimit: 5, limitName: five}", null));
    // string(int) has no bound, so kube's estimate refuses the documentation's own example
    assertTrue(SchemaRules.compile(yaml(schema.replace("self.limitName", "string(self.maxLimit)")), "").errors()
        .get(0).body().startsWith("Forbidden: estimated messageExpression cost exceeds budget by factor of more than"));
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
            properties:
              missing: {type: integer}
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
    SchemaRules rules = SchemaRules.compile(yaml(schema), "");
    assertTrue(rules.errors().get(0).body().startsWith("Forbidden: estimated rule cost exceeds budget by factor of "
        + "more than 100x"), rules.errors().toString()); // refused at CRD admission; a writer still bounds it
    List<String> errs = RuleValidator.validate(rules, yaml("spec: {xs: [" + xs + "]}"), null).stream()
        .map(e -> e.field() + ": " + e.body()).toList();
    assertEquals(1, errs.size());
    assertTrue(errs.get(0).contains("no further validation rules will be run due to call cost exceeds limit"),
        errs.get(0));
  }

  private static List<String> compileErrors(String schema) {
    return SchemaRules.compile(yaml(schema), "").errors().stream().map(e -> e.field() + ": " + e.body()).toList();
  }

  @Test
  void aFieldTheSchemaLacksDoesNotCompile() {
    List<String> errs = compileErrors("""
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations: [{rule: "self.replicas > 0 && self.replicaz < 5"}]
            properties:
              replicas: {type: integer}
        x-kubernetes-validations: [{rule: "self.metadata.name != '' && self.metadata.labels.size() < 3"}]
        """);
    assertEquals(2, errs.size(), errs.toString());
    assertTrue(errs.get(0).startsWith(".x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule"),
        errs.get(0));
    assertTrue(errs.get(0).contains("compilation failed: ERROR: <input>:1:42: undefined field 'labels'"), errs.get(0));
    assertTrue(errs.get(1).startsWith(".properties[spec].x-kubernetes-validations[0].rule: "), errs.get(1));
    assertTrue(errs.get(1).contains("compilation failed: ERROR: <input>:1:26: undefined field 'replicaz'\n"
        + " | self.replicas > 0 && self.replicaz < 5\n | .........................^"), errs.get(1));
  }

  @Test
  void fieldsAreTypedSoAWrongTypeDoesNotCompile() {
    List<String> errs = compileErrors("""
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations: [{rule: "self.replicas == 'three'"}, {rule: "self.ports.all(p, p.port > 0)"}]
            properties:
              replicas: {type: integer}
              ports:
                type: array
                items: {type: object, properties: {port: {type: integer}}}
        """);
    assertEquals(1, errs.size(), errs.toString());
    assertTrue(errs.get(0).contains("found no matching overload for '_==_' applied to '(int, string)'"), errs.get(0));
  }

  @Test
  void namesAreEscapedAsKubeEscapesThem() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: "self.x__dash__y == 1 && self.__namespace__ == 'n' && self.a__dot__b && has(self.c__underscores__d)
                && self.e__slash__f == 'g' && !has(self.__if__)"
              message: escaped
            properties:
              x-y: {type: integer}
              namespace: {type: string}
              a.b: {type: boolean}
              c__d: {type: string}
              e/f: {type: string}
              if: {type: string}
              héllo: {type: string}
              1st: {type: string}
        """;
    assertEquals(List.of(), errors(schema,
        "spec: {x-y: 1, namespace: n, a.b: true, c__d: '', e/f: g, héllo: x, 1st: y}", null));
    assertEquals(List.of("spec: Invalid value: \"object\": escaped"), errors(schema,
        "spec: {x-y: 1, namespace: n, a.b: true, c__d: '', e/f: g, if: x}", null));
    List<String> errs = compileErrors(schema.replace("has(self.c__underscores__d)", "has(self.h\u00e9llo)"));
    assertEquals(1, errs.size(), errs.toString());
    assertTrue(errs.get(0).contains("compilation failed: ERROR: <input>:1:"), errs.get(0));
  }

  @Test
  void formatsAreTimestampsDurationsAndBytes() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - {rule: "self.end > self.start && self.end - self.start <= self.window", message: window}
            - {rule: "size(self.data) == 3 && self.data == b'abc'", message: data}
            - {rule: "self.day.getDayOfWeek() == 1", message: monday}
            properties:
              start: {type: string, format: date-time}
              end: {type: string, format: date-time}
              window: {type: string, format: duration}
              data: {type: string, format: byte}
              day: {type: string, format: date}
        """;
    assertEquals(List.of(), errors(schema, "spec: {start: '2024-01-01T00:00:00Z', end: '2024-01-01T01:30:00+01:00', "
        + "window: 1h30m, data: YWJj, day: '2024-01-01'}", null));
    assertEquals(List.of("spec: Invalid value: \"object\": window", "spec: Invalid value: \"object\": data",
            "spec: Invalid value: \"object\": monday"),
        errors(schema, "spec: {start: '2024-01-01T00:00:00Z', end: '2024-01-01T03:00:00Z', "
            + "window: 90m, data: YWJk, day: '2024-01-02'}", null));
    assertTrue(compileErrors(schema.replace("self.end > self.start", "self.end > 'x'")).get(0)
        .contains("found no matching overload for '_>_' applied to '(google.protobuf.Timestamp, string)'"));
  }

  @Test
  void optionalFieldsHasAndOptionalSelection() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - {rule: "!has(self.min) || self.min <= self.?max.orValue(10)", message: bounds}
            properties:
              min: {type: integer}
              max: {type: integer}
        """;
    assertEquals(List.of(), errors(schema, "spec: {}", null));
    assertEquals(List.of(), errors(schema, "spec: {min: 10}", null));
    assertEquals(List.of("spec: Invalid value: \"object\": bounds"), errors(schema, "spec: {min: 11}", null));
    assertEquals(List.of("spec: Invalid value: \"object\": bounds"), errors(schema, "spec: {min: 3, max: 2}", null));
  }

  @Test
  void embeddedResourcesIntOrStringAndPreservedUnknownFields() {
    String schema = """
        type: object
        properties:
          spec:
            type: object
            properties:
              template:
                type: object
                x-kubernetes-embedded-resource: true
                x-kubernetes-preserve-unknown-fields: true
                x-kubernetes-validations: [{rule: "self.kind == 'Pod' && self.metadata.name.startsWith('p')"}]
              size:
                x-kubernetes-int-or-string: true
                x-kubernetes-validations: [{rule: "type(self) == string || self > 0"}]
              extra:
                type: object
                x-kubernetes-preserve-unknown-fields: true
                x-kubernetes-validations: [{rule: "self == oldSelf"}]
        """;
    assertEquals(List.of(), errors(schema,
        "spec: {template: {apiVersion: v1, kind: Pod, metadata: {name: p1}, spec: {}}, size: 50%}", null));
    assertEquals(List.of("spec.template: Invalid value: \"object\": failed rule: self.kind == 'Pod' && "
            + "self.metadata.name.startsWith('p')"),
        errors(schema, "spec: {template: {apiVersion: v1, kind: Pod, metadata: {name: q1}}, size: 1}", null));
    List<String> errs = compileErrors(schema.replace("self == oldSelf", "self.anything == 1"));
    assertEquals(1, errs.size(), errs.toString());
    assertTrue(errs.get(0).contains("undefined field 'anything'"), errs.get(0));
  }
}
