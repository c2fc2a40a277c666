package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assertions;

/** The LimitRanger plugin (defaults, min/max/ratio with kube's words) and LimitRange validation. */
class LimitRangerTest {

  static final String RANGE = """
      apiVersion: v1
      kind: LimitRange
      metadata: {name: lr, namespace: d}
      spec:
        limits:
        - type: Container
          default: {cpu: 500m, memory: 128Mi}
          defaultRequest: {cpu: 250m}
          max: {cpu: "1"}
          maxLimitRequestRatio: {memory: "2"}
        - type: Pod
          max: {memory: 1Gi}
      """;

  private static ObjectNode pod(String resources) {
    return yaml("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: d}\nspec:\n  containers:\n"
        + "  - {name: nginx, image: nginx" + resources + "}\n");
  }

  private final LimitRanger ranger = new LimitRanger(ns -> ns.equals("d") ? List.of(yaml(RANGE)) : List.of());

  @Test
  void defaultsFillWhatIsMissing() {
    ObjectNode p = pod(", resources: {limits: {cpu: 800m}}");
    ranger.mutate(type("pods"), p);
    assertEquals("{\"limits\":{\"cpu\":\"800m\",\"memory\":\"128Mi\"},\"requests\":{\"cpu\":\"250m\"}}",
        p.at("/spec/containers/0/resources").toString());
    assertEquals("LimitRanger plugin set: cpu request for container nginx; memory limit for container nginx",
        p.at("/metadata/annotations").path(LimitRanger.ANNOTATION).asText());
    assertEquals("memory max limit to request ratio per Container is 2, but no request is specified or request is 0",
        ranger.violations(type("pods"), p));
  }

  @Test
  void violationsAreWordedAsKube() {
    ObjectNode p = pod(", resources: {requests: {cpu: 500m, memory: 100Mi}, limits: {cpu: \"2\", memory: 100Mi}}");
    assertEquals("maximum cpu usage per Container is 1, but limit is 2", ranger.violations(type("pods"), p));
    ObjectNode two = pod(", resources: {requests: {cpu: 1500m, memory: 100Mi}, limits: {cpu: \"2\", memory: 300Mi}}");
    assertEquals("[maximum cpu usage per Container is 1, but limit is 2, memory max limit to request ratio per "
        + "Container is 2, but provided ratio is 3.000000]", ranger.violations(type("pods"), two));
    ObjectNode ok = pod(", resources: {requests: {cpu: 500m, memory: 100Mi}, limits: {cpu: 1, memory: 100Mi}}");
    assertNull(ranger.violations(type("pods"), ok));
  }

  @Test
  void throughTheAdmissionChainItIs403() {
    KubernetesAdmission.limitRanges(ns -> ns.equals("d") ? List.of(yaml(RANGE)) : List.of());
    try {
      StatusException e = Assertions.assertThrows(StatusException.class, () -> new KubernetesAdmission()
          .admit(type("pods"), Verb.CREATE, pod(", resources: {limits: {cpu: \"2\", memory: 100Mi}}"), null));
      assertEquals(403, e.code());
      assertEquals("pods \"p\" is forbidden: maximum cpu usage per Container is 1, but limit is 2", e.getMessage());
    } finally {
      KubernetesAdmission.limitRanges(ns -> List.of());
    }
  }

  @Test
  void theQosClassCountsTheDefaultsSet() {
    KubernetesAdmission.limitRanges(ns -> ns.equals("d") ? List.of(yaml("""
        apiVersion: v1
        kind: LimitRange
        metadata: {name: mem-limit-range, namespace: d}
        spec:
          limits:
          - {type: Container, default: {memory: 512Mi}, defaultRequest: {memory: 256Mi}}
        """)) : List.of());
    try {
      ObjectNode p = new KubernetesAdmission().admit(type("pods"), Verb.CREATE, pod(""), null);
      assertEquals("Burstable", p.at("/status/qosClass").asText());
    } finally {
      KubernetesAdmission.limitRanges(ns -> List.of());
    }
  }

  /**
   * The default CPU page: the LimitRange's {@code cpu: 1} and {@code cpu: 0.5} (YAML numbers) read back as kube stores
   * them, {@code "1"} and {@code 500m}, and so do the pods they default; a pod's own {@code "0.75"} is {@code 750m},
   * the memory constraints page's {@code 1.5Gi} {@code 1536Mi}; what is no quantity is left as it is (the apiserver's decoder refuses it).
   */
  @Test
  void quantitiesAreStoredInCanonicalForm() {
    ObjectNode lr = KubernetesAdmissionTest.create("limitranges", """
        apiVersion: v1
        kind: LimitRange
        metadata: {name: cpu-limit-range, namespace: d}
        spec:
          limits:
          - {type: Container, default: {cpu: 1}, defaultRequest: {cpu: 0.5}}
        """);
    assertEquals("{\"cpu\":\"1\"}", lr.at("/spec/limits/0/default").toString());
    assertEquals("{\"cpu\":\"500m\"}", lr.at("/spec/limits/0/defaultRequest").toString());
    KubernetesAdmission.limitRanges(ns -> ns.equals("d") ? List.of(lr) : List.of());
    try {
      ObjectNode p = new KubernetesAdmission().admit(type("pods"), Verb.CREATE, pod(""), null);
      assertEquals("\"1\" 500m", p.at("/spec/containers/0/resources/limits/cpu") + " "
          + p.at("/spec/containers/0/resources/requests/cpu").asText());
      ObjectNode three = new KubernetesAdmission().admit(type("pods"), Verb.CREATE,
          pod(", resources: {requests: {cpu: \"0.75\", memory: 1.5Gi}, limits: {memory: \"2e9\"}}"), null);
      assertEquals("{\"cpu\":\"750m\",\"memory\":\"1536Mi\"}", three.at("/spec/containers/0/resources/requests").toString());
      assertEquals("2e9 1", three.at("/spec/containers/0/resources/limits/memory").asText() + " "
          + three.at("/spec/containers/0/resources/limits/cpu").asText());
      // the apiserver's decoder refuses it (400); the writer leaves it as it came
      ObjectNode bad = new KubernetesAdmission().admit(type("pods"), Verb.CREATE,
          pod(", resources: {requests: {cpu: lots}}"), null);
      assertEquals("lots", bad.at("/spec/containers/0/resources/requests/cpu").asText());
    } finally {
      KubernetesAdmission.limitRanges(ns -> List.of());
    }
    ObjectNode quota = KubernetesAdmissionTest.create("resourcequotas", """
        apiVersion: v1
        kind: ResourceQuota
        metadata: {name: mem-cpu-demo, namespace: d}
        spec: {hard: {requests.cpu: 1, requests.memory: 1024Mi, limits.cpu: "2.5", pods: 2}}
        """);
    assertEquals("{\"requests.cpu\":\"1\",\"requests.memory\":\"1Gi\",\"limits.cpu\":\"2500m\",\"pods\":\"2\"}",
        quota.at("/spec/hard").toString());
  }

  @Test
  void limitRangeDefaultsAndValidation() {
    ObjectNode lr = KubernetesAdmissionTest.create("limitranges", "apiVersion: v1\nkind: LimitRange\n"
        + "metadata: {name: lr, namespace: d}\nspec:\n  limits:\n  - {type: Container, max: {cpu: '1'}, min: {memory: 1Mi}}\n");
    assertEquals("{\"cpu\":\"1\"}", lr.at("/spec/limits/0/default").toString());
    assertEquals("{\"cpu\":\"1\",\"memory\":\"1Mi\"}", lr.at("/spec/limits/0/defaultRequest").toString());
    StatusException e = Assertions.assertThrows(StatusException.class, () -> KubernetesAdmissionTest.create("limitranges",
        "apiVersion: v1\nkind: LimitRange\nmetadata: {name: lr, namespace: d}\nspec:\n  limits:\n"
            + "  - {type: Container, max: {cpu: 500m}, default: {cpu: '1'}}\n  - {type: Pod, default: {cpu: '1'}}\n"));
    assertEquals(422, e.code());
    assertEquals("LimitRange \"lr\" is invalid: [spec.limits[0].defaultRequest[cpu]: Invalid value: \"1\": default "
        + "request value 1 is greater than max value 500m, spec.limits[0].default[cpu]: Invalid value: \"500m\": "
        + "default value 1 is greater than max value 500m, spec.limits[1].default: Forbidden: may not be specified "
        + "when `type` is 'Pod']", e.getMessage());
  }

  @Test
  void claimsAreHeldToTheirStorageRange() {
    LimitRanger storage = new LimitRanger(ns -> List.of(yaml("spec: {limits: [{type: PersistentVolumeClaim, "
        + "min: {storage: 1Gi}, max: {storage: 10Gi}}]}")));
    ObjectNode claim = yaml("metadata: {name: c, namespace: d}\nspec: {resources: {requests: {storage: 20Gi}}}");
    assertEquals("maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi",
        storage.violations(type("persistentvolumeclaims"), claim));
    ObjectNode small = yaml("metadata: {name: c, namespace: d}\nspec: {resources: {requests: {storage: 500Mi}}}");
    assertEquals("minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi",
        storage.violations(type("persistentvolumeclaims"), small));
  }

  @Test
  void resourceQuotaValidation() {
    StatusException e = Assertions.assertThrows(StatusException.class, () -> KubernetesAdmissionTest.create(
        "resourcequotas", "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, namespace: d}\nspec:\n"
            + "  hard: {pods: '-1', services: '1', foo: '1'}\n  scopes: [BestEffort, NotBestEffort]\n"));
    assertEquals("ResourceQuota \"q\" is invalid: [spec.hard[foo]: Invalid value: \"foo\": must be a standard resource "
        + "for quota, spec.hard[pods]: Invalid value: \"-1\": must be greater than or equal to 0, spec.scopes: Invalid "
        + "value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\"}: unsupported scope applied to resource, "
        + "spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\"}: unsupported scope "
        + "applied to resource, spec.scopes: Invalid value: []core.ResourceQuotaScope{\"BestEffort\", \"NotBestEffort\"}: "
        + "conflicting scopes]", e.getMessage());
    KubernetesAdmissionTest.create("resourcequotas", "apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q, "
        + "namespace: d}\nspec:\n  hard: {pods: '2', requests.cpu: 500m, count/deployments.apps: '3'}\n  scopeSelector: "
        + "{matchExpressions: [{scopeName: PriorityClass, operator: In, values: [high]}]}\n");
  }
}
