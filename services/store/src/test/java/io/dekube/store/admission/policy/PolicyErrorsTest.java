package io.dekube.store.admission.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.dekube.store.cel.CelAuthorizer;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What kube-apiserver 1.32's ValidatingAdmissionPolicy dispatcher answers for errors under {@code failurePolicy: Fail}:
 * an evaluation error is a decision without a reason, answered {@code Invalid} (422) through the binding's
 * validationActions; a binding that cannot be configured ({@code failed to configure binding: ...}) and a policy whose
 * paramKind no kind answers ({@code failed to configure policy: ...}, no binding named) deny whatever the actions;
 * nothing of it under {@code Ignore}.
 */
class PolicyErrorsTest {

  private final ResourceRegistry registry = ResourceRegistry.builtIn();
  private final ResourceType configMaps = registry.byResourceName("configmaps").orElseThrow();
  private final ResourceType namespaces = registry.byResourceName("namespaces").orElseThrow();

  private static String policy(String failurePolicy, String more) {
    return """
        metadata: {name: errors.example.com}
        spec:
          failurePolicy: %s
          matchConstraints:
            resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: ["*"]}]
          validations: [{expression: "object.data.mode == 'strict'"}]
        """.formatted(failurePolicy) + more.indent(2);
  }

  private static String binding(String actions, String paramRef) {
    return "metadata: {name: errors}\nspec: {policyName: errors.example.com, validationActions: [" + actions + "]"
        + (paramRef == null ? "" : ", paramRef: " + paramRef) + "}\n";
  }

  @Test
  void anEvaluationErrorIsAnsweredInvalidWithKubesWords() throws Exception {
    StatusException denied = denied(policy("Fail", ""), binding("Deny", null), configMap());

    assertEquals(422, denied.code());
    assertEquals("Invalid", denied.reason());
    assertEquals("configmaps \"settings\" is forbidden: ValidatingAdmissionPolicy 'errors.example.com' with binding "
        + "'errors' denied request: expression 'object.data.mode == 'strict'' resulted in error: no such key: data",
        denied.getMessage());
  }

  @Test
  void anEvaluationErrorFollowsTheBindingsActions() throws Exception {
    List<String> warnings = new ArrayList<>();
    await(policies(policy("Fail", ""), binding("Warn", null)).validate(configMap(), warnings));

    assertEquals(List.of("Validation failed for ValidatingAdmissionPolicy 'errors.example.com' with binding 'errors': "
        + "expression 'object.data.mode == 'strict'' resulted in error: no such key: data"), warnings);
  }

  @Test
  void aBindingThatCannotBeConfiguredDeniesWhateverItsActions() throws Exception {
    String params = "paramKind: {apiVersion: v1, kind: ConfigMap}";
    StatusException denied = denied(policy("Fail", params), binding("Warn",
        "{name: limits, parameterNotFoundAction: Deny}"), namespace());

    assertEquals(422, denied.code());
    assertEquals("namespaces \"team-a\" is forbidden: ValidatingAdmissionPolicy 'errors.example.com' with binding "
        + "'errors' denied request: failed to configure binding: cannot use namespaced paramRef in policy binding that "
        + "matches cluster-scoped resources", denied.getMessage());
    await(policies(policy("Ignore", params), binding("Deny", "{name: limits, parameterNotFoundAction: Deny}"))
        .validate(namespace(), new ArrayList<>()));
  }

  @Test
  void anUnknownParamKindDeniesAsThePolicysOwnError() throws Exception {
    String params = "paramKind: {apiVersion: rules.example.com/v1, kind: ReplicaLimit}";
    StatusException denied = denied(policy("Fail", params), binding("Audit",
        "{name: limits, parameterNotFoundAction: Deny}"), configMap());

    assertEquals(422, denied.code());
    assertEquals("Invalid", denied.reason());
    assertEquals("configmaps \"settings\" is forbidden: ValidatingAdmissionPolicy 'errors.example.com' denied request: "
        + "failed to configure policy: failed to find resource referenced by paramKind: "
        + "'rules.example.com/v1, Kind=ReplicaLimit'", denied.getMessage());
  }

  /** kube's CollectParams: a policy with a paramKind whose binding has no paramRef is evaluated with null params. */
  @Test
  void aBindingWithoutParamRefEvaluatesWithNullParams() throws Exception {
    String spec = """
        metadata: {name: errors.example.com}
        spec:
          paramKind: {apiVersion: v1, kind: ConfigMap}
          matchConstraints:
            resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]
          validations: [{expression: "params == null", message: "params were given"}]
        """;
    await(policies(spec, binding("Deny", null)).validate(configMap(), new ArrayList<>()));
  }

  @Test
  void aValidationsReasonKeepsItsCode() throws Exception {
    String spec = """
        metadata: {name: errors.example.com}
        spec:
          matchConstraints:
            resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]
          validations: [{expression: "false", reason: Forbidden}]
        """;
    StatusException denied = denied(spec, binding("Deny", null), configMap());
    assertEquals(403, denied.code());
    assertEquals("Forbidden", denied.reason());
  }

  /** kube's PerCallLimit: an expression that costs more is cancelled, an error the failurePolicy decides on. */
  @Test
  void anExpressionPastItsCostLimitIsAnErrorOfThePolicy() throws Exception {
    String spec = """
        metadata: {name: errors.example.com}
        spec:
          failurePolicy: %s
          matchConstraints:
            resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]
          validations:
          - expression: "object.data.all(a, object.data.all(b, object.data.all(c, a + b + c != '')))"
        """;
    AdmissionAttributes large = configMap();
    ObjectNode data = ((ObjectNode) large.object()).putObject("data");
    for (int i = 0; i < 100; i++) {
      data.put("key-" + i, "value");
    }
    StatusException denied = denied(spec.formatted("Fail"), binding("Deny", null), large);
    assertEquals(422, denied.code());
    assertEquals("configmaps \"settings\" is forbidden: ValidatingAdmissionPolicy 'errors.example.com' with binding "
        + "'errors' denied request: expression 'object.data.all(a, object.data.all(b, object.data.all(c, a + b + c != "
        + "'')))' resulted in error: operation cancelled: actual cost limit exceeded", denied.getMessage());
    await(policies(spec.formatted("Ignore"), binding("Deny", null)).validate(large, new ArrayList<>()));
  }

  private StatusException denied(String policies, String bindings, AdmissionAttributes a) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(policies(policies, bindings).validate(a, new ArrayList<>())));
    return (StatusException) e.getCause();
  }

  private PolicyAdmission policies(String policies, String bindings) throws Exception {
    return new PolicyAdmission(PolicyAdmissionVersionsTest.source(policies),
        PolicyAdmissionVersionsTest.source(bindings), ns -> null, new ParamSource(registry, t -> null),
        CelAuthorizer.NONE);
  }

  private AdmissionAttributes configMap() {
    ObjectNode c = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    c.putObject("metadata").put("name", "settings").put("namespace", "default");
    return new AdmissionAttributes(AdmissionAttributes.CREATE, configMaps, "v1", "", "default", "settings", c, null,
        false, null, UserInfo.anonymous());
  }

  private AdmissionAttributes namespace() {
    ObjectNode n = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    n.putObject("metadata").put("name", "team-a");
    n.putObject("data").put("mode", "strict");
    return new AdmissionAttributes(AdmissionAttributes.CREATE, namespaces, "v1", "", "", "team-a", n, null,
        false, null, UserInfo.anonymous());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
