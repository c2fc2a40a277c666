package io.dekube.store.admission.podsecurity;

import static io.dekube.store.admission.podsecurity.PodSecurityAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The warnings of the warn mode and of a namespace update, worded as kube words them. */
class PodSecurityWarningsTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();

  private static ObjectNode ns(String labels) {
    return yaml("{metadata: {name: example, labels: " + labels + "}}");
  }

  private static ObjectNode pod(String name, String container) {
    return yaml("{metadata: {name: " + name + ", namespace: example}, spec: {containers: [" + container + "]}}");
  }

  @Test
  void workloadTemplatesAreCheckedAgainstTheWarnLevel() {
    ObjectNode deployment = yaml("{metadata: {name: web, namespace: example}, spec: {template: {metadata: {labels:"
        + " {app: web}}, spec: {containers: [{name: web, image: nginx, securityContext: {privileged: true}}]}}}}");
    assertEquals(List.of("would violate PodSecurity \"baseline:latest\": privileged (container \"web\" must not set"
            + " securityContext.privileged=true)"),
        PodSecurityWarnings.forObject(REGISTRY.byGroupPlural("apps", "deployments").orElseThrow(), deployment, null,
            ns("{pod-security.kubernetes.io/warn: baseline}")));
    ObjectNode cronJob = yaml("{metadata: {name: c, namespace: example}, spec: {jobTemplate: {spec: {template: {spec:"
        + " {hostPID: true, containers: [{name: c}]}}}}}}");
    assertEquals(List.of("would violate PodSecurity \"baseline:v1.30\": host namespaces (hostPID=true)"),
        PodSecurityWarnings.forObject(REGISTRY.byGroupPlural("batch", "cronjobs").orElseThrow(), cronJob, null,
            ns("{pod-security.kubernetes.io/warn: baseline, pod-security.kubernetes.io/warn-version: v1.30}")));
    assertEquals(List.of(), PodSecurityWarnings.forObject(REGISTRY.byGroupPlural("apps", "deployments").orElseThrow(),
        deployment, null, ns("{pod-security.kubernetes.io/enforce: baseline}")));
    assertEquals(List.of(), PodSecurityWarnings.forObject(REGISTRY.byResourceName("services").orElseThrow(),
        deployment, null, ns("{pod-security.kubernetes.io/warn: baseline}")));
  }

  @Test
  void aStricterEnforceLevelListsTheExistingPodsThatViolateIt() {
    List<ObjectNode> pods = List.of(
        pod("web-2", "{name: web, securityContext: {privileged: true}}"),
        pod("web-1", "{name: web, securityContext: {privileged: true}}"),
        pod("db", "{name: db, ports: [{hostPort: 5432}], securityContext: {privileged: true}}"),
        pod("cache", "{name: cache, securityContext: {privileged: true}}"),
        pod("fine", "{name: fine}"));
    assertEquals(List.of(
            "existing pods in namespace \"example\" violate the new PodSecurity enforce level \"baseline:latest\"",
            "cache (and 2 other pods): privileged",
            "db: hostPort, privileged"),
        PodSecurityWarnings.forNamespaceUpdate(ns("{pod-security.kubernetes.io/enforce: baseline}"), ns("{}"), pods));
  }

  @Test
  void aLaxerOrUnchangedEnforceLevelWarnsOfNothing() {
    List<ObjectNode> pods = List.of(pod("p", "{name: c, securityContext: {privileged: true}}"));
    ObjectNode restricted = ns("{pod-security.kubernetes.io/enforce: restricted}");
    ObjectNode baseline = ns("{pod-security.kubernetes.io/enforce: baseline}");
    assertEquals(List.of(), PodSecurityWarnings.forNamespaceUpdate(baseline, restricted, pods));
    assertEquals(List.of(), PodSecurityWarnings.forNamespaceUpdate(baseline, baseline, pods));
    assertEquals(List.of(), PodSecurityWarnings.forNamespaceUpdate(ns("{}"), baseline, pods));
    assertEquals(List.of(), PodSecurityWarnings.forNamespaceUpdate(baseline, null, pods));
    assertEquals(2, PodSecurityWarnings.forNamespaceUpdate(ns("{pod-security.kubernetes.io/enforce: baseline,"
        + " pod-security.kubernetes.io/enforce-version: v1.31}"), restricted, pods).size());
  }
}
