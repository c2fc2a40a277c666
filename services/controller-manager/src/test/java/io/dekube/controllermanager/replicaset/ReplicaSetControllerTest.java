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

  /** A store whose pod creates are refused as the writer's quota admission refuses them. */
  private io.dekube.core.store.StoreApi refusingPods() {
    io.dekube.core.store.InMemoryStore s = fake.store;
    return new io.dekube.core.store.StoreApi() {
      public io.vertx.core.Future<ObjectNode> create(ResourceType t, String ns, ObjectNode obj,
                                                     io.dekube.core.store.WriteOptions o) {
        return t.equals(podType) ? io.vertx.core.Future.failedFuture(new io.dekube.core.model.StatusException(403,
            "Forbidden", "pods \"web-x\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=1, "
            + "limited: pods=1", null)) : s.create(t, ns, obj, o);
      }

      public io.vertx.core.Future<ObjectNode> get(ResourceType t, String ns, String name) {
        return s.get(t, ns, name);
      }

      public io.vertx.core.Future<ObjectNode> list(ResourceType t, String ns) {
        return s.list(t, ns);
      }

      public io.vertx.core.Future<ObjectNode> update(ResourceType t, ObjectNode obj, io.dekube.core.store.WriteOptions o) {
        return s.update(t, obj, o);
      }

      public io.vertx.core.Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj,
                                                           io.dekube.core.store.WriteOptions o) {
        return s.updateStatus(t, obj, o);
      }

      public io.vertx.core.Future<ObjectNode> patch(ResourceType t, String ns, String name, String type,
                                                    com.fasterxml.jackson.databind.JsonNode patch,
                                                    io.dekube.core.store.WriteOptions o) {
        return s.patch(t, ns, name, type, patch, o);
      }

      public io.vertx.core.Future<ObjectNode> delete(ResourceType t, String ns, String name,
                                                     io.dekube.core.store.WriteOptions o) {
        return s.delete(t, ns, name, o);
      }
    };
  }

  @Test
  void aRefusedCreateIsAReplicaFailureConditionAndTheStatusStillCounts() {
    var ctx = new io.dekube.controllermanager.common.ControllerContext(null, refusingPods(), fake.store::cache,
        fake.ctx.registry(), fake.ctx.events(), fake.clock);
    ReplicaSetController refused = new ReplicaSetController(ctx);
    ReplicaSet web = rs("web", 3).build();
    fake.store.put(rsType, web);
    fake.store.put(podType, running(pod("web-a", web), "n1", "2026-01-01T00:00:00Z"));
    var sync = refused.sync(KEY);
    assertTrue(sync.failed(), "the sync fails, so it is retried with back-off");
    ObjectNode status = fake.store.object(rsType, "ns", "web").path("status").deepCopy();
    assertEquals(1, status.path("replicas").asInt());
    assertEquals("ReplicaFailure", status.at("/conditions/0/type").asText());
    assertEquals("FailedCreate", status.at("/conditions/0/reason").asText());
    assertTrue(status.at("/conditions/0/message").asText().contains("exceeded quota: compute"), status::toString);
    assertTrue(fake.eventReasons().stream().anyMatch(e -> e.startsWith("FailedCreate: Error creating: pods \"web-x\" is forbidden: exceeded quota")), () -> fake.eventReasons().toString());
  }
}
