package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import org.junit.jupiter.api.Test;

/** A CRD whose x-kubernetes-validations rule does not compile is itself invalid, in kube's words. */
class CustomResourceDefinitionRulesTest {

  private static final String CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: crontabs.cel.example.com}
      spec:
        group: cel.example.com
        scope: Namespaced
        names: {plural: crontabs, kind: CronTab}
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  x-kubernetes-validations: [{rule: "%s"}]
                  properties:
                    replicas: {type: integer}
      """;

  @Test
  void aRuleThatDoesNotCompileMakesTheCrdInvalid() {
    create("customresourcedefinitions.apiextensions.k8s.io", CRD.formatted("self.replicas < 5"));
    StatusException e = assertThrows(StatusException.class,
        () -> create("customresourcedefinitions.apiextensions.k8s.io", CRD.formatted("self.replicas <")));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().contains("spec.versions[0].schema.openAPIV3Schema.properties[spec]"
        + ".x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.replicas <\""),
        e.getMessage());
    assertTrue(e.getMessage().contains("compilation failed: ERROR: <input>:1:"), e.getMessage());
  }

  @Test
  void aRuleThatNamesAFieldTheSchemaLacksMakesTheCrdInvalid() {
    StatusException e = assertThrows(StatusException.class,
        () -> create("customresourcedefinitions.apiextensions.k8s.io", CRD.formatted("self.replicaz < 5")));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().contains("spec.versions[0].schema.openAPIV3Schema.properties[spec]"
        + ".x-kubernetes-validations[0].rule: Invalid value: apiextensions.ValidationRule{Rule:\"self.replicaz < 5\""),
        e.getMessage());
    assertTrue(e.getMessage().contains("compilation failed: ERROR: <input>:1:5: undefined field 'replicaz'"),
        e.getMessage());
  }

  private static final String TAGS = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: boxes.cel.example.com}
      spec:
        group: cel.example.com
        scope: Namespaced
        names: {plural: boxes, kind: Box}
        versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  properties:
                    tags:
                      type: array
                      %s
                      items: {type: string%s}
                      x-kubernetes-validations: [{rule: "self.all(x, x.contains('gpu'))"}]
      """;

  @Test
  void aRuleWhoseEstimatedCostExceedsTheBudgetMakesTheCrdInvalid() {
    StatusException e = assertThrows(StatusException.class,
        () -> create("customresourcedefinitions.apiextensions.k8s.io", TAGS.formatted("", "")));
    assertEquals(422, e.code());
    String rule = "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[tags].x-kubernetes-validations[0]"
        + ".rule: Forbidden: ";
    assertTrue(e.getMessage().contains(rule + "estimated rule cost exceeds budget by factor of more than 100x (try "
        + "simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are "
        + "declared)"), e.getMessage());
    assertTrue(e.getMessage().contains(rule + "contributed to estimated rule cost total exceeding cost limit for "
        + "entire OpenAPIv3 schema"), e.getMessage());
    assertTrue(e.getMessage().contains("spec.versions[0].schema.openAPIV3Schema: Forbidden: x-kubernetes-validations "
        + "estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x"),
        e.getMessage());
    create("customresourcedefinitions.apiextensions.k8s.io", TAGS.formatted("maxItems: 100", ", maxLength: 64"));
  }

  @Test
  void anUpdateThatKeepsTheSchemaIsNotHeldToTheRulesOwnCosts() {
    String crd = TAGS.replace("self.all(x, x.contains('gpu'))", "self.all(x, self.all(y, true))")
        .replace("type: string%s", "type: integer").formatted("maxItems: 2000");
    StatusException e = assertThrows(StatusException.class,
        () -> create("customresourcedefinitions.apiextensions.k8s.io", crd));
    assertTrue(e.getMessage().contains("x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget "
        + "by factor of 1.201000x"), e.getMessage());
    // a CRD stored before the estimate existed: a label added to it is no reason to refuse its rules
    ObjectNode stored = KubernetesAdmissionTest.yaml(crd);
    ObjectNode labelled = stored.deepCopy();
    ((ObjectNode) labelled.get("metadata")).putObject("labels").put("team", "a");
    KubernetesAdmissionTest.ADMISSION.admit(KubernetesAdmissionTest.type("customresourcedefinitions.apiextensions.k8s.io"),
        Verb.UPDATE, labelled, stored);
    ObjectNode changed = stored.deepCopy();
    ((ObjectNode) changed.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/tags"))
        .put("maxItems", 2001);
    assertThrows(StatusException.class, () -> KubernetesAdmissionTest.ADMISSION.admit(
        KubernetesAdmissionTest.type("customresourcedefinitions.apiextensions.k8s.io"), Verb.UPDATE, changed, stored));
  }
}
