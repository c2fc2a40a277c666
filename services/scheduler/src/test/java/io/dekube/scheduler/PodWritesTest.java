package io.dekube.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.InMemoryStore;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler's Events, as kube-scheduler's events.k8s.io broadcaster writes and folds them. */
class PodWritesTest {

  private final InMemoryStore store = new InMemoryStore();
  private Instant now = Instant.parse("2026-12-07T01:00:00.123456789Z");
  private final EventBroadcaster broadcaster = new EventBroadcaster(store, store.type("events"), () -> now, "host-1");
  private final PodWrites writes = new PodWrites(store, ResourceRegistry.builtIn(), broadcaster);

  private static Pod pod(String rv) {
    return new PodBuilder().withNewMetadata().withName("big").withNamespace("ns").withUid("u1").withResourceVersion(rv)
        .endMetadata().withNewSpec().endSpec().build();
  }

  private List<ObjectNode> events() {
    return store.items(store.type("events"), "ns");
  }

  @Test
  void theScheduledEventIsAnEventsV1EventNamedAfterThePodAndTheWallClockNanoseconds() {
    Instant before = Instant.now();
    now = before;
    writes.event(pod("7"), "Normal", "Scheduled", "Successfully assigned ns/big to n1");
    ObjectNode e = events().get(0);
    String name = e.path("metadata").path("name").asText();
    assertTrue(name.startsWith("big."), name);
    // client-go names its events <regarding>.<hex UnixNano>: list order by name is then time order
    long nanos = Long.parseLong(name.substring("big.".length()), 16);
    long beforeNanos = before.getEpochSecond() * 1_000_000_000L + before.getNano();
    assertTrue(nanos >= beforeNanos && nanos < beforeNanos + 60_000_000_000L, name + " is not now in UnixNano");
    assertEquals("Binding", e.path("action").asText());
    assertEquals("default-scheduler", e.path("reportingComponent").asText());
    assertEquals("default-scheduler-host-1", e.path("reportingInstance").asText());
    assertEquals("7", e.path("involvedObject").path("resourceVersion").asText());
    assertEquals("Pod", e.path("involvedObject").path("kind").asText());
    assertTrue(e.path("eventTime").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"),
        e.path("eventTime").asText());
    assertFalse(e.has("count") || e.has("firstTimestamp") || e.has("series"), e.toString());
    assertTrue(e.path("source").isObject() && e.path("source").isEmpty(), e.toString());
  }

  @Test
  void theSecondIdenticalFailedSchedulingIsASeriesOfTwoOnTheSameEventAndLaterOnesCountInTheCache() {
    writes.event(pod("7"), "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.");
    assertEquals(1, events().size());
    String first = events().get(0).path("eventTime").asText();
    now = now.plusSeconds(40);
    writes.event(pod("7"), "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.");
    assertEquals(1, events().size(), "the same Event object");
    ObjectNode e = events().get(0);
    assertEquals(2, e.path("series").path("count").asInt(), e.toString());
    assertEquals("2026-12-07T01:00:40.123456Z", e.path("series").path("lastObservedTime").asText());
    assertEquals(first, e.path("eventTime").asText(), "eventTime stays the first occurrence's");
    assertEquals("Scheduling", e.path("action").asText());

    now = now.plusSeconds(40);
    writes.event(pod("7"), "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.");
    assertEquals(2, events().get(0).path("series").path("count").asInt(), "the third only counts in the cache");
    broadcaster.refreshSeries();
    assertEquals(3, events().get(0).path("series").path("count").asInt(), "the 30-minute refresh writes it");

    now = now.plusSeconds(10);
    writes.event(pod("7"), "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.");
    now = now.plus(Duration.ofMinutes(7));
    broadcaster.finishSeries();
    assertEquals(4, events().get(0).path("series").path("count").asInt(), "a finished series writes its last count");
    assertEquals(0, broadcaster.cached());
    writes.event(pod("7"), "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.");
    assertEquals(2, events().size(), "after the series ended, a new Event");
  }

  @Test
  void anotherMessageOrAnotherResourceVersionOfThePodIsAnotherEvent() {
    writes.event(pod("7"), "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.");
    writes.event(pod("7"), "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient memory.");
    // the scheduler's PodScheduled=False write gave the pod a new resourceVersion: client-go's key has it
    writes.event(pod("8"), "Warning", "FailedScheduling", "0/3 nodes are available: 3 Insufficient cpu.");
    assertEquals(3, events().size());
    assertTrue(events().stream().noneMatch(e -> e.has("series")));
  }

  @Test
  void aVictimsPreemptedEventNamesItsPreemptorAsRelated() {
    Pod high = new PodBuilder().withNewMetadata().withName("high").withNamespace("ns").withUid("u2")
        .withResourceVersion("9").endMetadata().withNewSpec().endSpec().build();
    writes.event(pod("7"), high, "Normal", "Preempted", "Preempted by pod u2 on node n1");
    ObjectNode e = events().get(0);
    assertEquals("Preempting", e.path("action").asText());
    assertEquals("high", e.path("related").path("name").asText());
    assertEquals("u2", e.path("related").path("uid").asText());
    assertEquals("big", e.path("involvedObject").path("name").asText());
  }

  @Test
  void aSeriesWhoseEventWasDeletedIsCreatedAgainWithItsSeries() {
    writes.event(pod("7"), "Warning", "FailedScheduling", "m");
    String name = events().get(0).path("metadata").path("name").asText();
    store.delete(store.type("events"), "ns", name, WriteOptions.none());
    writes.event(pod("7"), "Warning", "FailedScheduling", "m");
    assertEquals(1, events().size());
    assertEquals(name, events().get(0).path("metadata").path("name").asText());
    assertEquals(2, events().get(0).path("series").path("count").asInt());
  }

  @Test
  void thePodScheduledConditionIsWrittenOnlyWhenItChangesAndKeepsItsTransitionTimeWhileFalse() {
    Pod p = pod(null);
    store.put(store.type("pods"), p);
    Pod stored = io.dekube.core.model.Typed.from(store.object(store.type("pods"), "ns", "big"), Pod.class);
    writes.markNotScheduled(stored, "Unschedulable", "0/3 nodes are available: 3 Insufficient cpu.");
    ObjectNode first = store.object(store.type("pods"), "ns", "big");
    Pod once = io.dekube.core.model.Typed.from(first, Pod.class);
    writes.markNotScheduled(once, "Unschedulable", "0/3 nodes are available: 3 Insufficient cpu.");
    assertEquals(first.at("/metadata/resourceVersion").asText(), store.object(store.type("pods"), "ns", "big")
        .at("/metadata/resourceVersion").asText(), "the same condition is not written again");

    // kube's UpdatePodCondition: another reason is a change; the status stays False, so its transition time stays
    ((ObjectNode) first.at("/status/conditions/0")).put("lastTransitionTime", "2026-12-07T00:00:00Z");
    Pod earlier = io.dekube.core.model.Typed.from(first, Pod.class);
    writes.markNotScheduled(earlier, "SchedulerError", "running \"Broken\" filter plugin: boom");
    ObjectNode after = store.object(store.type("pods"), "ns", "big");
    assertTrue(!after.at("/metadata/resourceVersion").asText().equals(first.at("/metadata/resourceVersion").asText()));
    com.fasterxml.jackson.databind.JsonNode c = after.at("/status/conditions/0");
    assertEquals(1, after.at("/status/conditions").size());
    assertEquals("PodScheduled|False|2026-12-07T00:00:00Z|SchedulerError|running \"Broken\" filter plugin: boom",
        c.path("type").asText() + "|" + c.path("status").asText() + "|" + c.path("lastTransitionTime").asText() + "|"
        + c.path("reason").asText() + "|" + c.path("message").asText());
  }
}
