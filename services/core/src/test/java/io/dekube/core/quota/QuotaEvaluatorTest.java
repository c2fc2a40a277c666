package io.dekube.core.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Quantities as Go prints them, and what kube's quota evaluators count. */
class QuotaEvaluatorTest {

  static final Instant NOW = Instant.parse("2026-01-01T00:00:10Z");

  static ObjectNode yaml(String s) {
    try {
      return (ObjectNode) new YAMLMapper().readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @ParameterizedTest
  @CsvSource({"500m,500m", "0.5,500m", "1000m,1", "2000,2k", "1500,1500", "128Mi,128Mi", "1024Mi,1Gi",
      "1536Mi,1536Mi", "1Ki,1Ki", "512,512", "0,0", "1e3,1k", "100u,100u", "1.5Gi,1536Mi", "2M,2M"})
  void canonicalText(String in, String out) {
    assertEquals(out, Quantities.parse(in).toString());
  }

  @Test
  void sumsKeepTheFirstFormat() {
    assertEquals("384Mi", Quantities.parse("128Mi").plus(Quantities.parse("256Mi")).toString());
    assertEquals("750m", Quantities.parse("250m").plus(Quantities.parse("0.5")).toString());
  }

  static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata: {name: p, namespace: d}
      spec:
        initContainers:
        - {name: init, resources: {requests: {cpu: "2"}}}
        containers:
        - {name: a, resources: {requests: {cpu: 250m, memory: 64Mi}, limits: {cpu: 500m, memory: 128Mi}}}
        - {name: b, resources: {requests: {cpu: 250m, memory: 64Mi}}}
      """;

  @Test
  void podUsage() {
    QuotaEvaluator ev = QuotaEvaluator.of("", "pods");
    assertEquals("{count/pods=1, cpu=2, limits.cpu=500m, limits.memory=128Mi, memory=128Mi, pods=1, "
        + "requests.cpu=2, requests.memory=128Mi}", ev.usage(yaml(POD), NOW).toString());
    ObjectNode done = yaml(POD);
    done.putObject("status").put("phase", "Succeeded");
    assertEquals("{count/pods=1}", ev.usage(done, NOW).toString());
    ObjectNode deleting = yaml(POD);
    ((ObjectNode) deleting.get("metadata")).put("deletionTimestamp", "2026-01-01T00:00:00Z")
        .put("deletionGracePeriodSeconds", 30);
    assertEquals(8, ev.usage(deleting, NOW).size(), "still within its grace period");
    ((ObjectNode) deleting.get("metadata")).put("deletionGracePeriodSeconds", 5);
    assertEquals("{count/pods=1}", ev.usage(deleting, NOW).toString());
  }

  @Test
  void podConstraints() {
    QuotaEvaluator ev = QuotaEvaluator.of("", "pods");
    assertEquals("must specify limits.cpu for: b,init; limits.memory for: b,init; memory for: init",
        ev.constraints(Set.of("limits.cpu", "limits.memory", "memory", "pods"), yaml(POD)));
    assertNull(ev.constraints(Set.of("pods", "requests.cpu"), yaml(POD)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "scopes: [BestEffort]|spec: {containers: [{name: c}]}|true",
      "scopes: [BestEffort]|spec: {containers: [{name: c, resources: {requests: {cpu: 1m}}}]}|false",
      "scopes: [NotBestEffort]|spec: {containers: [{name: c, resources: {requests: {cpu: 1m}}}]}|true",
      "scopes: [Terminating]|spec: {activeDeadlineSeconds: 30, containers: [{name: c}]}|true",
      "scopes: [NotTerminating]|spec: {activeDeadlineSeconds: 30, containers: [{name: c}]}|false",
      "scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: In, values: [high]}]}|spec: {priorityClassName: high, containers: [{name: c}]}|true",
      "scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: In, values: [high]}]}|spec: {containers: [{name: c}]}|false",
      "scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: NotIn, values: [high]}]}|spec: {containers: [{name: c}]}|true",
      "scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: Exists}]}|spec: {priorityClassName: low, containers: [{name: c}]}|true",
      "scopeSelector: {matchExpressions: [{scopeName: PriorityClass, operator: DoesNotExist}]}|spec: {priorityClassName: low, containers: [{name: c}]}|false",
  })
  void podScopes(String quotaSpec, String pod, boolean matches) {
    ObjectNode quota = yaml("spec: {hard: {pods: '5'}, " + quotaSpec + "}");
    assertEquals(matches, QuotaEvaluator.of("", "pods").matches(quota, yaml(pod)));
  }

  @Test
  void servicesAndCounts() {
    ObjectNode svc = yaml("spec: {type: LoadBalancer, ports: [{port: 80}, {port: 443}]}");
    assertEquals("{count/services=1, services=1, services.loadbalancers=1, services.nodeports=2}",
        QuotaEvaluator.of("", "services").usage(svc, NOW).toString());
    assertEquals("{configmaps=1, count/configmaps=1}", QuotaEvaluator.of("", "configmaps").usage(svc, NOW).toString());
    assertEquals(Set.of("count/deployments.apps"), QuotaEvaluator.of("apps", "deployments")
        .matchingResources(List.of("pods", "count/deployments.apps")));
    ObjectNode quota = yaml("spec: {hard: {pods: '2', count/pods: '3'}, scopes: [BestEffort]}");
    assertEquals("{count/pods=2, pods=1}", QuotaUsage.used(QuotaEvaluator.of("", "pods"), quota,
        List.of(yaml("spec: {containers: [{name: c}]}"), yaml("{spec: {containers: [{name: c}]}, status: {phase: Failed}}"),
            yaml("spec: {containers: [{name: c, resources: {limits: {cpu: 1}}}]}")), NOW).toString());
  }

  @Test
  void claims() {
    ObjectNode pvc = yaml("spec: {storageClassName: fast, resources: {requests: {storage: 5Gi}}}");
    assertEquals("{count/persistentvolumeclaims=1, fast.storageclass.storage.k8s.io/persistentvolumeclaims=1, "
        + "fast.storageclass.storage.k8s.io/requests.storage=5Gi, persistentvolumeclaims=1, requests.storage=5Gi}",
        QuotaEvaluator.of("", "persistentvolumeclaims").usage(pvc, NOW).toString());
  }
}
