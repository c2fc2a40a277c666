package io.dekube.apiserver.policystatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.openapi.OpenApiDocuments;
import io.dekube.core.crd.CronTabs;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.patch.ServerSideApply;
import io.dekube.core.store.StatusSubresource;
import io.dekube.store.admission.policy.PolicyTypeChecker;
import io.dekube.store.admission.policy.PolicyTypeChecker.ExpressionWarning;
import io.dekube.store.admission.policy.PolicyTypeChecker.Gvk;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The validatingadmissionpolicy-status controller's type checking against the schemas dekube serves at
 * {@code /openapi/v3}: kube's docs' policies on Deployments and ReplicaSets, a correct policy that walks quantities,
 * int-or-strings, timestamps and lists of the built-in schemas, a custom resource's CRD schema, the status as kube's
 * controller applies it.
 */
class PolicyTypeCheckingTest {

  static ResourceRegistry registry;
  static OpenApiDocuments documents;

  @BeforeAll
  static void build() {
    registry = ResourceRegistry.builtIn();
    registry.serve(CronTabs.kind("[{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, "
        + "properties: {spec: {type: object, properties: {cronSpec: {type: string}, replicas: {type: integer}}}}}}}]",
        "{strategy: None}"));
    documents = OpenApiDocuments.build(registry);
  }

  private static JsonNode yaml(String s) {
    try {
      return Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<ExpressionWarning> check(String rules, String validations) {
    return PolicyTypeChecker.check(yaml("""
        metadata: {name: p, generation: 1}
        spec:
          matchConstraints:
            resourceRules: %s
          validations:
        """.formatted(rules) + validations.indent(4)), new KindSchemas(registry, documents));
  }

  private static final String DEPLOYMENTS =
      "[{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]";

  @Test
  void theDocsPolicyWithAMisspeltFieldWarnsAgainstDeployments() {
    assertEquals(List.of(new ExpressionWarning("spec.validations[0].expression",
            "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'\n"
                + " | object.replicas > 1\n"
                + " | ......^\n")),
        check(DEPLOYMENTS, "[{expression: 'object.replicas > 1', message: must be replicated, reason: Invalid}]"));
  }

  @Test
  void theDocsPolicyOnDeploymentsAndReplicaSetsWarnsForEach() {
    List<ExpressionWarning> w = check("[{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], "
        + "resources: [deployments, replicasets]}]", "[{expression: 'object.replicas > 1'}]");
    assertEquals(1, w.size());
    assertEquals("apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'\n | object.replicas > 1\n"
        + " | ......^\n\napps/v1, Kind=ReplicaSet: ERROR: <input>:1:7: undefined field 'replicas'\n"
        + " | object.replicas > 1\n | ......^\n", w.get(0).warning());
  }

  @Test
  void aCorrectPolicyOverTheBuiltInSchemasHasNoWarnings() {
    assertEquals(List.of(), check(DEPLOYMENTS, """
        - expression: object.spec.replicas <= 5 && object.metadata.name.startsWith('web')
        - expression: >-
            object.spec.template.spec.containers.all(c, has(c.resources.limits) && 'memory' in c.resources.limits
            && quantity(c.resources.limits['memory']).isLessThan(quantity('1Gi'))
            && c.ports.all(p, p.containerPort > 0) && (!has(c.securityContext) || !has(c.securityContext.privileged)
            || !c.securityContext.privileged))
        - expression: >-
            !has(object.spec.strategy.rollingUpdate) || object.spec.strategy.rollingUpdate.maxSurge == 1
            || object.spec.strategy.rollingUpdate.maxSurge == '25%'
        - expression: object.metadata.creationTimestamp < timestamp('2100-01-01T00:00:00Z')
          messageExpression: "'labels: ' + object.metadata.labels.map(k, k).join(',')"
        - expression: request.operation != 'DELETE' && object.spec.selector.matchLabels.size() > 0
        """));
  }

  @Test
  void aCustomResourceIsCheckedAgainstItsCrdSchema() {
    String crontabs = "[{apiGroups: [stable.example.com], apiVersions: [v1], operations: [CREATE], "
        + "resources: [crontabs]}]";
    assertEquals(List.of(), check(crontabs, "[{expression: \"object.spec.cronSpec != '' && object.spec.replicas < 5\"}]"));
    assertEquals(List.of(new ExpressionWarning("spec.validations[0].expression",
            "stable.example.com/v1, Kind=CronTab: ERROR: <input>:1:12: undefined field 'cronSpek'\n"
                + " | object.spec.cronSpek != ''\n"
                + " | ...........^\n")),
        check(crontabs, "[{expression: \"object.spec.cronSpek != ''\"}]"));
  }

  @Test
  void coreKindsAreNamedWithAnEmptyGroupAndUnknownResourcesAreSkipped() {
    List<ExpressionWarning> w = check("[{apiGroups: [''], apiVersions: [v1], operations: [CREATE], "
        + "resources: [configmaps, nosuchthings]}]", "[{expression: 'object.datum.size() > 0'}]");
    assertEquals(1, w.size());
    assertTrue(w.get(0).warning().startsWith("/v1, Kind=ConfigMap: ERROR: <input>:1:7: undefined field 'datum'"),
        w.get(0).warning());
    assertEquals(List.of(new Gvk("", "v1", "ConfigMap")), new KindSchemas(registry, documents)
        .kindsFor("", "v1", "configmaps"));
  }

  @Test
  void theStatusIsWrittenOncePerGenerationAsKubesControllerAppliesIt() {
    ResourceType vaps = ResourceRegistry.builtIn()
        .byResourceName("validatingadmissionpolicies.admissionregistration.k8s.io").orElseThrow();
    ObjectNode policy = (ObjectNode) yaml("""
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingAdmissionPolicy
        metadata: {name: p, generation: 2}
        spec: {}
        status: {observedGeneration: 1, conditions: []}
        """);
    policy = ServerSideApply.trackUpdate(null, policy, vaps, "someone", "status", Instant.now());
    assertTrue(PolicyStatusController.due(policy));
    ObjectNode warned = applied(vaps, policy, List.of(new ExpressionWarning("spec.validations[0].expression", "w")));
    assertEquals("{\"expressionWarnings\":[{\"fieldRef\":\"spec.validations[0].expression\",\"warning\":\"w\"}]}",
        warned.path("status").get("typeChecking").toString());
    assertFalse(PolicyStatusController.due(warned));
    JsonNode entry = warned.at("/metadata/managedFields/1");
    assertEquals(PolicyStatusController.NAME, entry.path("manager").asText(), warned.toString());
    assertEquals("Apply", entry.path("operation").asText());
    assertEquals("status", entry.path("subresource").asText());

    Json.metadata(warned).put("generation", 3); // fixed: the next generation has no warnings left, the rest stays
    ObjectNode clean = applied(vaps, warned, List.of());
    assertEquals("{\"observedGeneration\":3,\"conditions\":[],\"typeChecking\":{}}", clean.get("status").toString());
    assertFalse(PolicyStatusController.due(clean));
  }

  /** The policy after the controller's forced apply of its status. */
  private static ObjectNode applied(ResourceType vaps, ObjectNode policy, List<ExpressionWarning> warnings) {
    ObjectNode cfg = PolicyStatusController.applyConfiguration(vaps, policy, warnings);
    return StatusSubresource.applied(vaps, policy, ServerSideApply.apply(policy, cfg, vaps, PolicyStatusController.NAME,
        true, null, "status", Instant.now()));
  }
}
