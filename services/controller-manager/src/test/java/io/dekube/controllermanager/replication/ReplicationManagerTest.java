package io.dekube.controllermanager.replication;

import static io.dekube.controllermanager.testing.Fake.done;
import static io.dekube.controllermanager.testing.Objects.WEB;
import static io.dekube.controllermanager.testing.Objects.pod;
import static io.dekube.controllermanager.testing.Objects.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replication manager: the ReplicaSet controller's behaviour on ReplicationControllers. */
class ReplicationManagerTest {

  private static final ObjectKey KEY = new ObjectKey("ns", "web");

  private final Fake fake = new Fake();
  private final ResourceType rcType = fake.store.type("replicationcontrollers");
  private final ResourceType podType = fake.store.type("pods");
  private final ReplicationManager manager = new ReplicationManager(fake.ctx);

  private static ReplicationController rc(int replicas) {
    return new ReplicationControllerBuilder().withApiVersion("v1").withKind("ReplicationController")
        .withMetadata(new ObjectMetaBuilder().withName("web").withNamespace("ns").withUid("uid-rc").withGeneration(2L)
            .build())
        .withNewSpec().withReplicas(replicas).withSelector(WEB)
        .withTemplate(new PodTemplateSpecBuilder().withNewMetadata().withLabels(WEB).endMetadata()
            .withNewSpec().withContainers(new ContainerBuilder().withName("web").withImage("dekube/web").build())
            .endSpec().build())
        .endSpec().build();
  }

  private static Pod owned(String name, String readySince) {
    return running(pod(name, null).editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1")
        .withKind("ReplicationController").withName("web").withUid("uid-rc").withController(true)
        .withBlockOwnerDeletion(true).build()).endMetadata(), "n1", readySince);
  }

  @Test
  void createsPodsControlledByTheReplicationController() {
    fake.store.put(rcType, rc(2));
    done(manager.sync(KEY));
    List<ObjectNode> pods = fake.store.items(podType, "ns");
    assertEquals(2, pods.size());
    for (ObjectNode p : pods) {
      assertTrue(p.at("/metadata/name").asText().startsWith("web-"), p::toString);
      JsonNode ref = p.at("/metadata/ownerReferences/0");
      assertEquals("v1", ref.path("apiVersion").asText());
      assertEquals("ReplicationController", ref.path("kind").asText());
      assertEquals("uid-rc", ref.path("uid").asText());
      assertTrue(ref.path("controller").asBoolean() && ref.path("blockOwnerDeletion").asBoolean());
    }
    assertEquals(2, fake.eventReasons().stream().filter(e -> e.startsWith("SuccessfulCreate: Created pod: web-")).count());
  }

  @Test
  void writesTheStatusToTheReplicationController() {
    fake.store.put(rcType, rc(3));
    fake.store.put(podType, owned("a", "2026-01-01T00:00:00Z"));
    fake.store.put(podType, owned("b", null));
    fake.store.put(podType, owned("c", "2026-01-01T00:00:00Z"));
    done(manager.sync(KEY));
    JsonNode status = fake.store.object(rcType, "ns", "web").path("status");
    assertEquals(3, status.path("replicas").asInt());
    assertEquals(3, status.path("fullyLabeledReplicas").asInt());
    assertEquals(2, status.path("readyReplicas").asInt());
    assertEquals(2, status.path("availableReplicas").asInt());
    assertEquals(2, status.path("observedGeneration").asInt());
    assertEquals(WEB.get("app"), fake.store.object(rcType, "ns", "web").at("/spec/selector/app").asText(),
        "the selector stays a label map");
    assertTrue(fake.writes().stream().noneMatch(w -> w.startsWith("create pods") || w.startsWith("delete pods")));
  }

  @Test
  void adoptsOrphansAndDeletesTheSurplus() {
    fake.store.put(rcType, rc(1));
    fake.store.put(podType, owned("ready", "2026-01-01T00:00:00Z"));
    fake.store.put(podType, running(pod("orphan", null), "n1", null));
    done(manager.sync(KEY));
    assertEquals(List.of("delete pods ns/orphan"), fake.writes().stream().filter(w -> w.startsWith("delete pods"))
        .toList());
    assertEquals(List.of("ready"), fake.store.items(podType, "ns").stream()
        .map(p -> p.at("/metadata/name").asText()).toList());
  }
}
