package io.dekube.store.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import org.junit.jupiter.api.Test;

/** "Pod Scheduling Readiness": a gated pod as kube's strategy marks it, and the updates that lift its gates. */
class PodSchedulingGatesTest {

  private static final ResourceType PODS = KubernetesAdmissionTest.type("pods");
  private static final String POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: test-pod, namespace: d}\nspec:\n"
      + "  containers: [{name: pause, image: registry.k8s.io/pause:3.6}]\n";
  private static final String GATED = POD + "  schedulingGates: [{name: example.com/foo}, {name: example.com/bar}]\n";

  private static ObjectNode update(ObjectNode current, java.util.function.Consumer<ObjectNode> change) {
    ObjectNode next = current.deepCopy();
    change.accept((ObjectNode) next.get("spec"));
    return KubernetesAdmissionTest.ADMISSION.admit(PODS, Verb.UPDATE, next, current);
  }

  @Test
  void aGatedPodIsMarkedSchedulingGated() {
    ObjectNode pod = KubernetesAdmissionTest.create("pods", GATED);
    assertEquals("PodScheduled", pod.at("/status/conditions/0/type").asText());
    assertEquals("False", pod.at("/status/conditions/0/status").asText());
    assertEquals("SchedulingGated", pod.at("/status/conditions/0/reason").asText());
    assertEquals("Scheduling is blocked due to non-empty scheduling gates",
        pod.at("/status/conditions/0/message").asText());
    assertTrue(KubernetesAdmissionTest.create("pods", POD).at("/status/conditions").isMissingNode());
  }

  @Test
  void gatesMayBeRemovedButNotAdded() {
    ObjectNode gated = KubernetesAdmissionTest.create("pods", GATED);
    ObjectNode one = update(gated, s -> ((com.fasterxml.jackson.databind.node.ArrayNode) s.get("schedulingGates"))
        .remove(0));
    assertEquals("example.com/bar", one.at("/spec/schedulingGates/0/name").asText());
    assertTrue(update(gated, s -> s.remove("schedulingGates")).at("/spec/schedulingGates").isMissingNode());
    StatusException added = assertThrows(StatusException.class, () -> update(gated,
        s -> s.withArray("schedulingGates").addObject().put("name", "example.com/baz")));
    assertTrue(added.getMessage().contains(
        "spec.schedulingGates[2].name: Forbidden: only deletion is allowed, but found new scheduling gate "
        + "'example.com/baz'"), added.getMessage());
  }

  @Test
  void aGatedPodMayGainNodeSelectorEntriesOnly() {
    ObjectNode gated = KubernetesAdmissionTest.create("pods", GATED + "  nodeSelector: {disktype: ssd}\n");
    assertEquals("a", update(gated, s -> ((ObjectNode) s.get("nodeSelector")).put("zone", "a"))
        .at("/spec/nodeSelector/zone").asText());
    StatusException changed = assertThrows(StatusException.class, () -> update(gated,
        s -> ((ObjectNode) s.get("nodeSelector")).put("disktype", "hdd")));
    assertTrue(changed.getMessage().contains("spec.nodeSelector: Invalid value: map[string]string{\"disktype\":"
        + "\"hdd\"}: only additions to spec.nodeSelector are allowed (no mutations or deletions)"),
        changed.getMessage());
    ObjectNode open = KubernetesAdmissionTest.create("pods", POD);
    assertThrows(StatusException.class, () -> update(open, s -> s.putObject("nodeSelector").put("zone", "a")),
        "an ungated pod's nodeSelector stays as it was");
  }

  private static final String REQUIRED = "  affinity:\n    nodeAffinity:\n"
      + "      preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {matchExpressions: "
      + "[{key: tier, operator: In, values: [gold]}]}}]\n"
      + "      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n"
      + "        - matchExpressions: [{key: disktype, operator: In, values: [ssd]}]\n";

  private static com.fasterxml.jackson.databind.node.ArrayNode terms(ObjectNode spec) {
    return spec.withObject("affinity").withObject("nodeAffinity")
        .withObject("requiredDuringSchedulingIgnoredDuringExecution").withArray("nodeSelectorTerms");
  }

  @Test
  void aGatedPodMayGainRequiredNodeAffinityAndChangeThePreferredOne() {
    ObjectNode bare = KubernetesAdmissionTest.create("pods", GATED);
    ObjectNode set = update(bare, s -> terms(s).addObject().putArray("matchExpressions").addObject()
        .put("key", "zone").put("operator", "Exists"));
    assertEquals("zone", set.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
        + "/nodeSelectorTerms/0/matchExpressions/0/key").asText(), "none before: any terms");

    ObjectNode gated = KubernetesAdmissionTest.create("pods", GATED + REQUIRED);
    ObjectNode added = update(gated, s -> {
      ((ObjectNode) terms(s).get(0)).withArray("matchExpressions").addObject().put("key", "zone")
          .put("operator", "In").putArray("values").add("a");
      ((ObjectNode) terms(s).get(0)).putArray("matchFields").addObject().put("key", "metadata.name")
          .put("operator", "In").putArray("values").add("kube-node-01");
      s.withObject("affinity").withObject("nodeAffinity").remove("preferredDuringSchedulingIgnoredDuringExecution");
    });
    assertEquals(2, added.at("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution"
        + "/nodeSelectorTerms/0/matchExpressions").size());

    StatusException changed = assertThrows(StatusException.class, () -> update(gated,
        s -> ((ObjectNode) terms(s).get(0).get("matchExpressions").get(0)).put("operator", "Exists").remove("values")));
    assertTrue(changed.getMessage().contains("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
        + ".nodeSelectorTerms[0]: Invalid value: core.NodeSelectorTerm{MatchExpressions:[]core.NodeSelectorRequirement"
        + "{core.NodeSelectorRequirement{Key:\"disktype\", Operator:\"Exists\", Values:[]string(nil)}}, "
        + "MatchFields:[]core.NodeSelectorRequirement(nil)}: only additions are allowed (no mutations or deletions)"),
        changed.getMessage());
    StatusException another = assertThrows(StatusException.class, () -> update(gated,
        s -> terms(s).addObject().putArray("matchExpressions").addObject().put("key", "b").put("operator", "Exists")));
    assertTrue(another.getMessage().contains(".nodeSelectorTerms: Invalid value: []core.NodeSelectorTerm{"
        + "core.NodeSelectorTerm{MatchExpressions:[]core.NodeSelectorRequirement{core.NodeSelectorRequirement{"
        + "Key:\"disktype\", Operator:\"In\", Values:[]string{\"ssd\"}}}, MatchFields:[]core.NodeSelectorRequirement"
        + "(nil)}, core.NodeSelectorTerm{MatchExpressions:[]core.NodeSelectorRequirement{core.NodeSelectorRequirement{"
        + "Key:\"b\", Operator:\"Exists\", Values:[]string(nil)}}, MatchFields:[]core.NodeSelectorRequirement(nil)}}: "
        + "no additions/deletions to non-empty NodeSelectorTerms list are allowed"), another.getMessage());
    assertThrows(StatusException.class, () -> update(gated, s -> s.remove("affinity")), "the terms may not go");

    ObjectNode open = KubernetesAdmissionTest.create("pods", POD + REQUIRED);
    assertThrows(StatusException.class, () -> update(open, s -> ((ObjectNode) terms(s).get(0))
        .withArray("matchExpressions").addObject().put("key", "zone").put("operator", "Exists")),
        "an ungated pod's affinity stays as it was");
  }
}
