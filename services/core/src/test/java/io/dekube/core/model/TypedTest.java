package io.dekube.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import org.junit.jupiter.api.Test;

class TypedTest {

  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(s);
  }

  @Test
  void podWithQuantitiesRoundTrips() throws Exception {
    ObjectNode tree = json("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","labels":{"app":"a"}},
         "spec":{"nodeName":"kube-node-02","containers":[{"name":"c","image":"dekube/web",
           "resources":{"requests":{"cpu":"250m","memory":"64Mi"}},"ports":[{"containerPort":2015}]}]}}""");
    Pod pod = Typed.from(tree, Pod.class);
    assertEquals("kube-node-02", pod.getSpec().getNodeName());
    Quantity cpu = pod.getSpec().getContainers().get(0).getResources().getRequests().get("cpu");
    assertEquals("250", cpu.getAmount());
    assertEquals("m", cpu.getFormat());
    ObjectNode back = Typed.tree(pod);
    assertEquals("250m", back.at("/spec/containers/0/resources/requests/cpu").asText());
    assertEquals(2015, back.at("/spec/containers/0/ports/0/containerPort").asInt());
    assertFalse(back.at("/spec/hostNetwork").isNull(), "nulls are left out");
  }

  @Test
  void intOrStringTargetPortRoundTrips() throws Exception {
    Service named = Typed.from(json("""
        {"metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":"http"}]}}"""), Service.class);
    assertEquals("http", named.getSpec().getPorts().get(0).getTargetPort().getStrVal());
    Service numbered = Typed.from(json("""
        {"metadata":{"name":"s"},"spec":{"ports":[{"port":80,"targetPort":2015}]}}"""), Service.class);
    assertEquals(2015, numbered.getSpec().getPorts().get(0).getTargetPort().getIntVal());
    assertEquals(2015, Typed.tree(numbered).at("/spec/ports/0/targetPort").asInt());
    assertEquals("http", Typed.tree(named).at("/spec/ports/0/targetPort").asText());
  }

  @Test
  void treesEqualTheTreesOfTheirText() throws Exception {
    ObjectNode pod = json("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns","generation":3,
          "creationTimestamp":"2026-12-07T12:00:00Z","ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet",
          "name":"rs","uid":"u","controller":true,"blockOwnerDeletion":true}]},
         "spec":{"activeDeadlineSeconds":4000000000,"terminationGracePeriodSeconds":30,"containers":[{"name":"c",
           "image":"i","resources":{"limits":{"cpu":"1.5","memory":"1e3"}},"readinessProbe":{"httpGet":{"port":"http",
           "path":"/"},"periodSeconds":1}}]},
         "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True",
           "lastTransitionTime":"2026-12-07T12:00:01Z"}],"containerStatuses":[{"name":"c","ready":true,
           "restartCount":2,"image":"i","imageID":"","started":true,"state":{"running":{"startedAt":"2026-12-07T12:00:00Z"}},
           "lastState":{"terminated":{"exitCode":137,"reason":"Error"}}}],"podIP":"127.244.1.2"}}""");
    ObjectNode tree = Typed.tree(Typed.from(pod, Pod.class));
    assertEquals(pod, tree, "a pod the model knows whole comes back as it was, numbers of the same node types");
    assertEquals(Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(tree)), tree);
    ObjectNode custom = json("""
        {"apiVersion":"x.io/v1","kind":"K","metadata":{"name":"k"},
         "spec":{"small":1,"big":3000000000,"huge":123456789012345678901234567890,"float":1.5,"exp":1e30,
           "flag":false,"none":null,"list":[1,"two",[3.25]]}}""");
    ObjectNode back = Typed.tree(Typed.from(custom, GenericKubernetesResource.class));
    assertEquals(custom, back);
    assertEquals(Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(back)), back);
  }

  @Test
  void badTreeIsRefusedWithTheTypeNamed() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Typed.from(json("{\"spec\":{\"containers\":\"not a list\"}}"), Pod.class));
    assertEquals(true, e.getMessage().startsWith("cannot read Pod"));
  }
}
