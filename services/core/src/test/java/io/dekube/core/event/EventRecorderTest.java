package io.dekube.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.InMemoryStore;
import io.dekube.core.testing.TestClock;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventRecorderTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType EVENTS = REGISTRY.byResourceName("events").orElseThrow();

  private final InMemoryStore store = new InMemoryStore(REGISTRY);
  private final EventRecorder recorder = new EventRecorder(store, EVENTS,
      Clock.fixed(Instant.parse("2026-12-05T06:00:00Z"), ZoneOffset.UTC), "kube-node-01", "kube-node-01");

  private static ObjectReference pod(String name) {
    ObjectReference r = new ObjectReference();
    r.setKind("Pod");
    r.setApiVersion("v1");
    r.setNamespace("ns");
    r.setName(name);
    r.setUid("uid-" + name);
    r.setFieldPath("spec.containers{c}");
    return r;
  }

  private List<ObjectNode> events() {
    return store.items(EVENTS, "ns");
  }

  @Test
  void writesTheFieldsKubectlDescribeShows() {
    recorder.record("kubelet", pod("web"), EventRecorder.NORMAL, "Started", "Started container c");
    ObjectNode e = events().get(0);
    assertEquals("Started container c", e.path("message").asText());
    assertEquals("kubelet", e.at("/source/component").asText());
    assertEquals("kube-node-01", e.at("/source/host").asText());
    assertEquals("kubelet", e.path("reportingComponent").asText());
    assertEquals("kube-node-01", e.path("reportingInstance").asText());
    assertEquals("spec.containers{c}", e.at("/involvedObject/fieldPath").asText());
    assertEquals("uid-web", e.at("/involvedObject/uid").asText());
    assertEquals(1, e.path("count").asInt());
    assertEquals("2026-12-05T06:00:00Z", e.path("firstTimestamp").asText());
    assertTrue(e.path("metadata").path("name").asText().startsWith("web."));
  }

  @Test
  void aRepeatCountsOnTheSameEvent() {
    for (int i = 0; i < 3; i++) {
      recorder.record("kubelet", pod("web"), EventRecorder.WARNING, "BackOff", "Back-off restarting failed container");
    }
    List<ObjectNode> all = events();
    assertEquals(1, all.size(), all.toString());
    assertEquals(3, all.get(0).path("count").asInt());
  }

  @Test
  void tenDifferentMessagesOfOneReasonAreCombined() {
    for (int i = 0; i < 12; i++) {
      recorder.record("kubelet", pod("web"), EventRecorder.WARNING, "Unhealthy", "Liveness probe failed: " + i);
    }
    List<ObjectNode> all = events();
    assertEquals(10, all.size(), all.toString());
    ObjectNode combined = all.stream().filter(e -> e.path("message").asText().startsWith("(combined from similar "
        + "events): ")).findFirst().orElseThrow();
    assertEquals(3, combined.path("count").asInt());
    assertEquals("(combined from similar events): Liveness probe failed: 11", combined.path("message").asText());
  }

  @Test
  void occurrencesTheSpamFilterHoldsBackStillCountAndTheNextWriteShowsThem() {
    TestClock clock = new TestClock(Instant.parse("2026-12-05T06:00:00Z"));
    EventRecorder kubelet = new EventRecorder(store, EVENTS, clock, "kube-node-01", "kube-node-01");
    for (int i = 0; i < 30; i++) {
      kubelet.record("kubelet", pod("web"), EventRecorder.WARNING, "BackOff", "Back-off restarting failed container");
    }
    assertEquals(25, events().get(0).path("count").asInt(), "25 tokens: the last 5 were not written");
    clock.advance(java.time.Duration.ofMinutes(5));
    kubelet.record("kubelet", pod("web"), EventRecorder.WARNING, "BackOff", "Back-off restarting failed container");
    assertEquals(31, events().get(0).path("count").asInt(), "kube counts before it filters");
    assertEquals("2026-12-05T06:05:00Z", events().get(0).path("lastTimestamp").asText());
  }

  @Test
  void similarMessagesOfOtherContainersOfThePodCombineAndAControllersEventHasNoInstance() {
    for (int i = 0; i < 10; i++) {
      ObjectReference ref = pod("web");
      ref.setFieldPath("spec.containers{c" + i + "}");
      recorder.record("kubelet", ref, EventRecorder.WARNING, "Unhealthy", "Readiness probe failed: " + i);
    }
    ObjectNode combined = events().stream().filter(e -> e.path("message").asText().startsWith("(combined"))
        .findFirst().orElseThrow();
    assertTrue(!combined.has("reportingComponent"), combined.toString());
    EventRecorder controllers = new EventRecorder(store, EVENTS, Clock.systemUTC(), "kcm-1");
    controllers.record("replicaset-controller", pod("rs"), EventRecorder.NORMAL, "SuccessfulCreate", "Created pod: x");
    ObjectNode e = events().stream().filter(x -> x.path("reason").asText().equals("SuccessfulCreate")).findFirst()
        .orElseThrow();
    assertEquals("replicaset-controller", e.path("reportingComponent").asText());
    assertEquals("", e.path("reportingInstance").asText());
  }

  @Test
  void theSpamFilterKeepsABurstOf25PerObject() {
    for (int i = 0; i < 40; i++) {
      recorder.record("kubelet", pod("web"), EventRecorder.NORMAL, "R" + i, "m");
    }
    recorder.record("kubelet", pod("other"), EventRecorder.NORMAL, "R", "m");
    assertEquals(26, events().size());
  }
}
