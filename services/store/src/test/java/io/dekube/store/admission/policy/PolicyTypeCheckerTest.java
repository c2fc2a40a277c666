package io.dekube.store.admission.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.store.admission.policy.PolicyTypeChecker.ExpressionWarning;
import io.dekube.store.admission.policy.PolicyTypeChecker.Gvk;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kube's ValidatingAdmissionPolicy type checking (typechecking.go and its tests), with the policies of kube's docs
 * ("Type checking") against small schemas of Deployment, ReplicaSet and ConfigMap.
 */
class PolicyTypeCheckerTest {

  private static final String META = "{type: object, properties: {name: {type: string}, generateName: {type: string},"
      + " labels: {type: object, additionalProperties: {type: string}}}}";
  private static final JsonNode WORKLOAD = yaml("""
      type: object
      properties:
        apiVersion: {type: string}
        kind: {type: string}
        metadata: %s
        spec:
          type: object
          properties:
            replicas: {type: integer, format: int32}
            minReadySeconds: {type: integer, format: int32}
            strategy:
              type: object
              properties:
                rollingUpdate:
                  type: object
                  properties: {maxSurge: {format: int-or-string}}
      """.formatted(META));
  private static final JsonNode CONFIG_MAP = yaml("""
      type: object
      properties:
        apiVersion: {type: string}
        kind: {type: string}
        metadata: %s
        data: {type: object, additionalProperties: {type: string}}
      """.formatted(META));

  /** apps/v1 deployments and replicasets, core v1 configmaps; Secrets are served but have no schema here. */
  private static final PolicyTypeChecker.Schemas SCHEMAS = new PolicyTypeChecker.Schemas() {
    @Override
    public List<Gvk> kindsFor(String group, String version, String resource) {
      Map<String, Gvk> served = Map.of("apps/v1/deployments", new Gvk("apps", "v1", "Deployment"),
          "apps/v1/replicasets", new Gvk("apps", "v1", "ReplicaSet"), "/v1/configmaps", new Gvk("", "v1", "ConfigMap"),
          "/v1/secrets", new Gvk("", "v1", "Secret"));
      Gvk gvk = served.get(group + "/" + version + "/" + resource);
      return gvk == null ? List.of() : List.of(gvk);
    }

    @Override
    public JsonNode schema(Gvk gvk) {
      return switch (gvk.kind()) {
        case "Deployment", "ReplicaSet" -> WORKLOAD;
        case "ConfigMap" -> CONFIG_MAP;
        default -> null;
      };
    }
  };

  private static JsonNode yaml(String s) {
    try {
      return Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<ExpressionWarning> check(String resources, String rest) {
    return PolicyTypeChecker.check(yaml("""
        metadata: {name: p}
        spec:
          matchConstraints:
            resourceRules:
            - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: %s}
        """.formatted(resources) + rest.indent(2)), SCHEMAS);
  }

  @Test
  void theDocsMisspeltFieldIsReportedAgainstTheDeploymentKind() {
    assertEquals(List.of(new ExpressionWarning("spec.validations[0].expression",
            "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'\n"
                + " | object.replicas > 1\n"
                + " | ......^\n")),
        check("[deployments]", "validations: [{expression: 'object.replicas > 1', message: must be replicated}]"));
  }

  @Test
  void aCorrectPolicyHasNoWarnings() {
    assertEquals(List.of(), check("[deployments]", """
        validations:
        - expression: object.spec.replicas > 1 && object.metadata.labels['app'] != '' && has(object.kind)
          messageExpression: "'replicas: ' + string(object.spec.replicas)"
        - expression: object.spec.strategy.rollingUpdate.maxSurge == 1 || request.operation == 'CREATE'
        """));
  }

  @Test
  void everyMatchedKindIsCheckedAndReportedInKindOrder() {
    assertEquals(List.of(new ExpressionWarning("spec.validations[0].expression",
            "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'\n"
                + " | object.replicas > 1\n"
                + " | ......^\n"
                + "\n"
                + "apps/v1, Kind=ReplicaSet: ERROR: <input>:1:7: undefined field 'replicas'\n"
                + " | object.replicas > 1\n"
                + " | ......^\n")),
        check("[replicasets, deployments]", "validations: [{expression: 'object.replicas > 1'}]"));
  }

  @Test
  void messageExpressionsAreCheckedAndAWrongTypeIsAnError() {
    List<ExpressionWarning> w = check("[deployments]", """
        validations:
        - expression: object.spec.replicas == 'three'
          messageExpression: "'replicas: ' + object.spec.replicaz"
        """);
    assertEquals(List.of("spec.validations[0].expression", "spec.validations[0].messageExpression"),
        w.stream().map(ExpressionWarning::fieldRef).toList());
    assertEquals("apps/v1, Kind=Deployment: ERROR: <input>:1:22: found no matching overload for '_==_' applied to "
        + "'(int, string)'\n | object.spec.replicas == 'three'\n | .....................^\n", w.get(0).warning());
    assertEquals("apps/v1, Kind=Deployment: ERROR: <input>:1:27: undefined field 'replicaz'\n"
        + " | 'replicas: ' + object.spec.replicaz\n | ..........................^\n", w.get(1).warning());
  }

  @Test
  void variablesAreTypedByWhatTheyCompileToAndTheirOwnErrorsAreNotReported() {
    List<ExpressionWarning> w = check("[deployments]", """
        variables:
        - {name: spec, expression: object.spec}
        - {name: broken, expression: object.spec.replicaz}
        validations:
        - expression: variables.spec.replicas > 1 && variables.broken > 1
        - expression: variables.spec.replicaz > 1
        - expression: variables.missing
        """);
    assertEquals(List.of("spec.validations[1].expression", "spec.validations[2].expression"),
        w.stream().map(ExpressionWarning::fieldRef).toList());
    assertEquals("apps/v1, Kind=Deployment: ERROR: <input>:1:15: undefined field 'replicaz'\n"
        + " | variables.spec.replicaz > 1\n | ..............^\n", w.get(0).warning());
    assertEquals("apps/v1, Kind=Deployment: ERROR: <input>:1:10: undefined field 'missing'\n"
        + " | variables.missing\n | .........^\n", w.get(1).warning());
  }

  @Test
  void paramsRequestAndNamespaceObjectAreTyped() {
    List<ExpressionWarning> w = check("[deployments]", """
        paramKind: {apiVersion: v1, kind: ConfigMap}
        validations:
        - expression: object.spec.replicas <= int(params.data.max) && namespaceObject.metadata.name != ''
        - expression: params.dataz.max == '1'
        - expression: request.operaton == 'CREATE'
        - expression: namespaceObject.metadata.labelz.size() > 0
        """);
    assertEquals(List.of("spec.validations[1].expression", "spec.validations[2].expression",
        "spec.validations[3].expression"), w.stream().map(ExpressionWarning::fieldRef).toList());
    assertEquals("apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'dataz'\n"
        + " | params.dataz.max == '1'\n | ......^\n", w.get(0).warning());
  }

  @Test
  void paramsOfAKindWithoutSchemaAreDynAndWithoutParamKindUndeclared() {
    assertEquals(List.of(), check("[deployments]", """
        paramKind: {apiVersion: v1, kind: Secret}
        validations: [{expression: params.anything.goes}]
        """));
    List<ExpressionWarning> w = check("[deployments]", "validations: [{expression: params.max == 1}]");
    assertEquals("apps/v1, Kind=Deployment: ERROR: <input>:1:1: undeclared reference to 'params' (in container '')\n"
        + " | params.max == 1\n | ^\n", w.get(0).warning());
  }

  @Test
  void wildcardsSubresourcesAndKindsWithoutSchemaAreNotChecked() {
    String misspelt = "validations: [{expression: 'object.replicas > 1'}]";
    assertEquals(List.of(), check("['*']", misspelt));
    assertEquals(List.of(), check("[deployments/scale]", misspelt));
    assertEquals(1, check("[deployments, '*', replicasets/status]", misspelt).size());
    assertEquals(List.of(), PolicyTypeChecker.check(yaml("""
        spec:
          matchConstraints:
            resourceRules:
            - {apiGroups: ['*'], apiVersions: [v1], operations: ['*'], resources: [deployments]}
            - {apiGroups: [apps], apiVersions: ['*'], operations: ['*'], resources: [deployments]}
            - {apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [secrets, pods]}
          validations: [{expression: 'object.replicas > 1'}]
        """), SCHEMAS));
  }
}
