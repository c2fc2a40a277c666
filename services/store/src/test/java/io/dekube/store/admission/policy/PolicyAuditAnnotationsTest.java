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
import io.dekube.store.admission.webhook.AuditAnnotations;
import io.dekube.store.cel.CelAuthorizer;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A ValidatingAdmissionPolicy's audit annotations as kube-apiserver 1.32 records them: its {@code auditAnnotations}
 * as {@code <policy>/<key>} (null and blank values left out, a value several bindings give once), the {@code Audit}
 * action's {@code validation.policy.admission.k8s.io/validation_failure} (the request's first failure), and an
 * annotation that fails under {@code Fail} denying the request (reason Invalid) while the other policies still run.
 */
class PolicyAuditAnnotationsTest {

  private final ResourceRegistry registry = ResourceRegistry.builtIn();
  private final ResourceType deployments = registry.byGroupPlural("apps", "deployments").orElseThrow();

  private static final String REPLICAS = """
      metadata: {name: replicas.example.com}
      spec:
        matchConstraints:
          resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
        validations:
        - {expression: "object.spec.replicas <= 5", message: "too many"}
        - expression: "has(object.metadata.labels)"
        auditAnnotations:
        # kube's docs end the ternary with null, which cel-go types and cel-java refuses: dyn(null) for cel-java
        - key: high-replica-count
          valueExpression: "object.spec.replicas > 3 ? 'Deployment spec.replicas set to ' + string(object.spec.replicas) : dyn(null)"
        - {key: blank, valueExpression: "'  '"}
      """;

  private static final String BINDINGS = """
      - metadata: {name: a-warn-audit}
        spec: {policyName: replicas.example.com, validationActions: [Warn, Audit]}
      - metadata: {name: b-audit}
        spec: {policyName: replicas.example.com, validationActions: [Audit]}
      """;

  @Test
  void aPolicysAnnotationsAndItsAuditActionsFailure() throws Exception {
    AuditAnnotations kept = AuditAnnotations.collecting();
    List<String> warnings = new ArrayList<>();

    await(policies(REPLICAS, BINDINGS).validate(create(6).withAnnotations(kept), warnings));

    assertEquals(Map.of("replicas.example.com/high-replica-count", "Deployment spec.replicas set to 6",
        "validation.policy.admission.k8s.io/validation_failure", "[{\"message\":\"too many\","
            + "\"policy\":\"replicas.example.com\",\"binding\":\"a-warn-audit\",\"expressionIndex\":0,"
            + "\"validationActions\":[\"Warn\",\"Audit\"]}]"), kept.visible(false));
    assertEquals(List.of("Validation failed for ValidatingAdmissionPolicy 'replicas.example.com' with binding "
        + "'a-warn-audit': too many", "Validation failed for ValidatingAdmissionPolicy 'replicas.example.com' with "
        + "binding 'a-warn-audit': failed expression: has(object.metadata.labels)"), warnings);

    AuditAnnotations few = AuditAnnotations.collecting();
    await(policies(REPLICAS, BINDINGS).validate(create(2).withAnnotations(few), new ArrayList<>()));
    assertEquals(List.of("validation.policy.admission.k8s.io/validation_failure"),
        List.copyOf(few.visible(true).keySet()), "a null value is left out");
    assertEquals("[{\"message\":\"failed expression: has(object.metadata.labels)\",\"policy\":\"replicas.example.com\","
        + "\"binding\":\"a-warn-audit\",\"expressionIndex\":1,\"validationActions\":[\"Warn\",\"Audit\"]}]",
        few.visible(true).get("validation.policy.admission.k8s.io/validation_failure"));
  }

  @Test
  void anAnnotationThatFailsDeniesAndTheOtherPoliciesStillRun() throws Exception {
    String errors = """
        metadata: {name: errors.example.com}
        spec:
          matchConstraints:
            resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]
          auditAnnotations: [{key: missing, valueExpression: "object.spec.missing"}]
        """;
    AuditAnnotations kept = AuditAnnotations.collecting();
    PolicyAdmission policies = policies("- " + errors.indent(2).strip() + "\n- " + REPLICAS.indent(2).strip(), BINDINGS
        + "- metadata: {name: errors}\n  spec: {policyName: errors.example.com, validationActions: [Audit]}\n");

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(policies.validate(create(6).withAnnotations(kept), new ArrayList<>())));

    StatusException denied = (StatusException) e.getCause();
    assertEquals("deployments.apps \"web\" is forbidden: ValidatingAdmissionPolicy 'errors.example.com' with binding "
        + "'errors' denied request: expression 'object.spec.missing' resulted in error: no such key: missing",
        denied.getMessage());
    assertEquals(422, denied.code());
    assertEquals("Deployment spec.replicas set to 6", kept.visible(false).get("replicas.example.com/high-replica-count"),
        "the policy after the denying one ran");
  }

  private PolicyAdmission policies(String policies, String bindings) throws Exception {
    return new PolicyAdmission(PolicyAdmissionVersionsTest.source(policies), PolicyAdmissionVersionsTest.source(bindings),
        ns -> null, new ParamSource(registry, t -> null),
        CelAuthorizer.NONE);
  }

  private AdmissionAttributes create(int replicas) {
    ObjectNode d = Json.object().put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", "web").put("namespace", "default");
    d.putObject("spec").put("replicas", replicas);
    return new AdmissionAttributes(AdmissionAttributes.CREATE, deployments, "apps/v1", "", "default", "web", d, null,
        false, null, UserInfo.anonymous());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
