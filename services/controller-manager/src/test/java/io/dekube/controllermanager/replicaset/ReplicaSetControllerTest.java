package io.dekube.controllermanager.replicaset;

import static io.dekube.controllermanager.testing.Fake.done;
import static io.dekube.controllermanager.testing.Objects.pod;
import static io.dekube.controllermanager.testing.Objects.rs;
import static io.dekube.controllermanager.testing.Objects.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ReplicaSetControllerTest {

  private final Fake fake = new Fake();
  private final ResourceType rsType = fake.store.type("replicasets.apps");
  private final ResourceType podType = fake.store.type("pods");
  private final ReplicaSetController controller = new ReplicaSetController(fake.ctx);
  private static final ObjectKey KEY = new ObjectKey("ns", "web");

  static Stream<Arguments> manageCases() {
    ReplicaSet web = rs("web", 0).build();
    return Stream.of(
        Arguments.of("creates the missing pods", 3, List.<Pod>of(),
            List.of("create pods", "create pods", "create pods"), List.<String>of()),
        Arguments.of("nothing to do", 1, List.of(running(pod("a", web), "n1", "2026-01-01T00:00:00Z")),
            List.<String>of(), List.<String>of()),
        Arguments.of("deletes unscheduled, then pending, then not ready first", 1, List.of(
            running(pod("ready", web), "n1", "2026-01-01T00:00:00Z"),
            pod("unscheduled", web).build(),
            running(pod("notready", web), "n1", null)),
            List.of("delete pods ns/notready", "delete pods ns/unscheduled"), List.of("ready")),
        Arguments.of("deletes the newest of equal pods", 1, List.of(
            running(pod("old", web), "n1", "2026-01-01T00:00:00Z"),
            running(pod("new", web).editMetadata().withCreationTimestamp("2026-01-01T00:05:00Z").endMetadata(), "n2",
                "2026-01-01T00:00:00Z")),
            List.of("delete pods ns/new"), List.of("old")),
        Arguments.of("deletes from the node with more siblings", 2, List.of(
            running(pod("a", web).editMetadata().withCreationTimestamp("2026-01-01T00:03:00Z").endMetadata(), "n1",
                "2026-01-01T00:00:00Z"),
            running(pod("b", web), "n1", "2026-01-01T00:00:00Z"),
            running(pod("c", web).editMetadata().withCreationTimestamp("2026-01-01T00:05:00Z").endMetadata(), "n2",
                "2026-01-01T00:00:00Z")),
            List.of("delete pods ns/a"), List.of("b", "c")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manageCases")
  void managesReplicas(String name, int replicas, List<Pod> pods, List<String> wantWrites, List<String> survivors) {
    fake.store.put(rsType, rs("web", replicas).build());
    pods.forEach(p -> fake.store.put(podType, p));
    done(controller.sync(KEY));
    List<String> podWrites = fake.writes().stream().filter(w -> w.contains(" pods ")).map(w -> w.startsWith("create")
        ? "create pods" : w).sorted().toList();
    assertEquals(wantWrites.stream().sorted().toList(), podWrites);
    if (!survivors.isEmpty()) {
      assertEquals(survivors, fake.store.items(podType, "ns").stream()
          .map(p -> p.path("metadata").path("name").asText()).sorted().toList());
    }
  }

  @Test
  void createdPodsAreOwnedNamedAndAnnounced() {
    fake.store.put(rsType, rs("web", 2).build());
    done(controller.sync(KEY));
    List<ObjectNode> pods = fake.store.items(podType, "ns");
    assertEquals(2, pods.size());
    for (ObjectNode p : pods) {
      assertTrue(p.path("metadata").path("name").asText().startsWith("web-"));
      assertEquals("uid-web", p.path("metadata").path("ownerReferences").get(0).path("uid").asText());
      assertTrue(p.path("metadata").path("ownerReferences").get(0).path("controller").asBoolean());
      assertEquals("web", p.path("metadata").path("labels").path("app").asText());
    }
    assertEquals(2, fake.eventReasons().stream().filter(e -> e.startsWith("SuccessfulCreate: Created pod: web-")).count());
  }

  @Test
  void pendingExpectationsHoldBackASecondCreate() {
    fake.store.put(rsType, rs("web", 2).build());
    controller.expectations().expect(KEY, 2, 0);
    done(controller.sync(KEY));
    assertTrue(fake.writes().stream().noneMatch(w -> w.startsWith("create pods")));
  }

  @Test
  void adoptsMatchingOrphansAndReleasesPodsThatStopMatching() {
    ReplicaSet web = rs("web", 1).build();
    fake.store.put(rsType, web);
    fake.store.put(podType, running(pod("orphan", null), "n1", "2026-01-01T00:00:00Z"));
    fake.store.put(podType, pod("relabeled", web).editMetadata().withLabels(Map.of("app", "other")).endMetadata().build());
    done(controller.sync(KEY));
    assertEquals("uid-web", fake.store.object(podType, "ns", "orphan").path("metadata").path("ownerReferences").get(0)
        .path("uid").asText());
    assertTrue(fake.store.object(podType, "ns", "relabeled").path("metadata").path("ownerReferences").isMissingNode()
        || fake.store.object(podType, "ns", "relabeled").path("metadata").path("ownerReferences").isEmpty());
    assertTrue(fake.writes().stream().noneMatch(w -> w.startsWith("create pods") || w.startsWith("delete pods")));
  }

  @Test
  void writesStatusFromReadyAndAvailablePods() {
    ReplicaSet web = rs("web", 3).editSpec().withMinReadySeconds(60).endSpec().build();
    fake.store.put(rsType, web);
    fake.store.put(podType, running(pod("a", web), "n1", "2026-01-01T00:00:00Z"));
    fake.store.put(podType, running(pod("b", web), "n1", "2026-01-01T00:09:30Z"));
    fake.store.put(podType, running(pod("c", web), "n1", null));
    done(controller.sync(KEY));
    ObjectNode status = (ObjectNode) fake.store.object(rsType, "ns", "web").path("status");
    assertEquals(3, status.path("replicas").asInt());
    assertEquals(3, status.path("fullyLabeledReplicas").asInt());
    assertEquals(2, status.path("readyReplicas").asInt());
    assertEquals(1, status.path("availableReplicas").asInt());
    assertEquals(1, status.path("observedGeneration").asInt());
  }

  @Test
  void aDeletedReplicaSetIsNothingToDo() {
    done(controller.sync(KEY));
    assertEquals(List.of(), fake.writes());
  }

  @Test
  void anInvalidSelectorIsAnEventNotAFailure() {
    ReplicaSet bad = rs("web", 1).editSpec().withSelector(new LabelSelectorBuilder().withMatchExpressions(
        new LabelSelectorRequirementBuilder().withKey("app").withOperator("Near").withValues("x").build()).build())
        .endSpec().build();
    fake.store.put(rsType, bad);
    done(controller.sync(KEY));
    assertEquals(1, fake.eventReasons().stream().filter(e -> e.startsWith("InvalidSelector")).count());
  }
}
