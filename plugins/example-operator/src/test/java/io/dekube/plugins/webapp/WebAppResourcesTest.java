package io.dekube.plugins.webapp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The WebApp's desired Deployment and Service, their drift, and its status: pure functions, no cluster. */
class WebAppResourcesTest {

  private static GenericKubernetesResource app(Map<String, Object> spec) {
    GenericKubernetesResource app = new GenericKubernetesResource();
    app.setApiVersion("demo.dekube.io/v1");
    app.setKind("WebApp");
    app.setMetadata(new ObjectMetaBuilder().withName("hello").withNamespace("demo").withUid("u-1").withGeneration(3L)
        .build());
    app.setAdditionalProperty("spec", new HashMap<>(spec));
    return app;
  }

  @Test
  void theDeploymentAndServiceAreOwnedAndRunTheImage() {
    GenericKubernetesResource app = app(Map.of("image", "carsonoid/kube-decon:v1", "replicas", 2, "message", "hi"));
    Deployment d = WebAppResources.deployment(app);
    assertEquals(2, d.getSpec().getReplicas());
    assertEquals("carsonoid/kube-decon:v1", d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertEquals(2015, d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0).getContainerPort());
    assertEquals("u-1", d.getMetadata().getOwnerReferences().get(0).getUid());
    assertEquals(Map.of(WebAppResources.LABEL, "hello"), d.getSpec().getSelector().getMatchLabels());
    var s = WebAppResources.service(app);
    assertEquals(Map.of(WebAppResources.LABEL, "hello"), s.getSpec().getSelector());
    assertEquals("http", s.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    assertTrue(WebAppResources.upToDate(s, WebAppResources.service(app)));

    assertEquals(List.of(), WebAppResources.drift(d, WebAppResources.deployment(app)));
    GenericKubernetesResource changed = app(Map.of("image", "carsonoid/kube-decon:v2", "replicas", 3));
    assertEquals(List.of("replicas", "image", "message"),
        WebAppResources.drift(d, WebAppResources.deployment(changed)));
  }

  @Test
  void theStatusFollowsTheDeploymentsReadyReplicas() {
    GenericKubernetesResource app = app(Map.of("image", "nginx", "replicas", 2));
    Instant t0 = Instant.parse("2026-12-06T07:00:00Z");
    Map<String, Object> missing = WebAppResources.status(app, null, t0);
    assertEquals("DeploymentMissing", condition(missing).get("reason"));

    Deployment d = WebAppResources.deployment(app);
    d.setStatus(new DeploymentStatusBuilder().withReplicas(2).withReadyReplicas(1).build());
    Map<String, Object> one = WebAppResources.status(app, d, t0);
    assertEquals(List.of(2, 1, 3L),
        List.of(one.get("replicas"), one.get("readyReplicas"), one.get("observedGeneration")));
    assertEquals(Map.of("type", "Ready", "status", "False", "reason", "ReplicasNotReady", "message",
        "1/2 replicas ready", "lastTransitionTime", "2026-12-06T07:00:00Z"), condition(one));
    app.setAdditionalProperty("status", one);
    assertTrue(WebAppResources.sameStatus(app, WebAppResources.status(app, d, t0.plusSeconds(60))),
        "an unchanged condition keeps its transition time");

    d.getStatus().setReadyReplicas(2);
    Map<String, Object> all = WebAppResources.status(app, d, t0.plusSeconds(60));
    assertFalse(WebAppResources.sameStatus(app, all));
    assertEquals(List.of("True", "2026-12-06T07:01:00Z"), List.of(condition(all).get("status"),
        condition(all).get("lastTransitionTime")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> condition(Map<String, Object> status) {
    return ((List<Map<String, Object>>) status.get("conditions")).get(0);
  }
}
