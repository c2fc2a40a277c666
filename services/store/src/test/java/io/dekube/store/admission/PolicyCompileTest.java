package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.model.StatusException;
import org.junit.jupiter.api.Test;

/**
 * A ValidatingAdmissionPolicy is compiled at create in kube-apiserver 1.32's environment: {@code request} and
 * {@code namespaceObject} have kube's types, {@code params} is declared only with a paramKind, the matchConditions
 * see no {@code variables}, and a variable sees only those before it, typed by what it compiled to. Webhook
 * matchConditions compile with the same typed {@code request}.
 */
class PolicyCompileTest {

  private static final String POLICY = "validatingadmissionpolicies.admissionregistration.k8s.io";

  private static String policy(String more) {
    return """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: compiled.example.com}
        spec:
          matchConstraints:
            resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
        """ + more.indent(2);
  }

  private static String refused(String yaml) {
    StatusException e = assertThrows(StatusException.class, () -> create(POLICY, yaml));
    assertEquals(422, e.code(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aMisspelledFieldOfRequestIsRefused() {
    String message = refused(policy("validations: [{expression: \"request.operaton == 'CREATE'\"}]"));
    assertEquals("ValidatingAdmissionPolicy.admissionregistration.k8s.io \"compiled.example.com\" is invalid: "
        + "spec.validations[0].expression: Invalid value: \"request.operaton == 'CREATE'\": compilation failed: "
        + "ERROR: <input>:1:8: undefined field 'operaton'\n | request.operaton == 'CREATE'\n | .......^", message);
  }

  @Test
  void requestAndNamespaceObjectCompileAsKubesTypes() {
    create(POLICY, policy("""
        matchConditions:
        - {name: not-nodes, expression: "!('system:nodes' in request.userInfo.groups)"}
        validations:
        - expression: "request.operation == 'CREATE' && request.dryRun == false && request.kind.kind == 'Deployment'"
        - expression: "namespaceObject == null || namespaceObject.metadata.labels['env'] != 'prod'"
        - expression: "has(request.options.fieldManager) || request.userInfo.extra.size() >= 0"
        """));
    assertEquals(true, refused(policy(
        "validations: [{expression: \"namespaceObject.metadata.lables.size() == 0\"}]"))
        .contains("spec.validations[0].expression: Invalid value: \"namespaceObject.metadata.lables.size() == 0\": "
            + "compilation failed: ERROR: <input>:1:25: undefined field 'lables'"));
  }

  @Test
  void paramsAreDeclaredOnlyWithAParamKind() {
    String uses = """
        matchConditions: [{name: limited, expression: "params.max > 0"}]
        validations: [{expression: "object.spec.replicas <= params.max"}]
        """;
    String message = refused(policy(uses));
    assertEquals(true, message.contains("spec.matchConditions[0].expression: Invalid value: \"params.max > 0\": "
        + "compilation failed: ERROR: <input>:1:1: undeclared reference to 'params'"), message);
    assertEquals(true, message.contains("spec.validations[0].expression: Invalid value: "
        + "\"object.spec.replicas <= params.max\": compilation failed: ERROR: <input>:1:25: undeclared reference to "
        + "'params'"), message);
    create(POLICY, policy("paramKind: {apiVersion: v1, kind: ConfigMap}\n" + uses));
  }

  @Test
  void aVariableSeesOnlyThoseBeforeItTypedByWhatTheyCompiledTo() {
    create(POLICY, policy("""
        variables:
        - {name: replicas, expression: "object.spec.replicas"}
        - {name: many, expression: "variables.replicas > 5"}
        validations: [{expression: "!variables.many"}]
        """));
    String later = refused(policy("""
        variables:
        - {name: many, expression: "variables.replicas > 5"}
        - {name: replicas, expression: "object.spec.replicas"}
        validations: [{expression: "!variables.many"}]
        """));
    assertEquals(true, later.contains("spec.variables[0].expression: Invalid value: \"variables.replicas > 5\": "
        + "compilation failed: ERROR: <input>:1:10: undefined field 'replicas'"), later);
    String typed = refused(policy("""
        variables: [{name: name, expression: "request.name"}]
        validations: [{expression: "variables.name > 5"}]
        """));
    assertEquals(true, typed.contains("spec.validations[0].expression: Invalid value: \"variables.name > 5\": "
        + "compilation failed: ERROR: <input>:1:16: found no matching overload for '_>_' applied to '(string, int)'"),
        typed);
    String conditions = refused(policy("""
        variables: [{name: replicas, expression: "object.spec.replicas"}]
        matchConditions: [{name: many, expression: "variables.replicas > 5"}]
        validations: [{expression: "true"}]
        """));
    assertEquals(true, conditions.contains("spec.matchConditions[0].expression: Invalid value: "
        + "\"variables.replicas > 5\": compilation failed: ERROR: <input>:1:1: undeclared reference to 'variables'"),
        conditions);
  }

  @Test
  void aWebhooksMatchConditionsCompileWithTheTypedRequest() {
    StatusException e = assertThrows(StatusException.class, () -> create(
        "validatingwebhookconfigurations.admissionregistration.k8s.io", """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingWebhookConfiguration
            metadata: {name: typed}
            webhooks:
            - name: typed.example.com
              sideEffects: None
              admissionReviewVersions: [v1]
              clientConfig: {url: "https://127.0.0.1:1/validate"}
              matchConditions: [{name: create, expression: "request.operaton == 'CREATE'"}]
            """));
    assertEquals(true, e.getMessage().contains("webhooks[0].matchConditions[0].expression: Invalid value: "
        + "\"request.operaton == 'CREATE'\": compilation failed: ERROR: <input>:1:8: undefined field 'operaton'"),
        e.getMessage());
  }
}
