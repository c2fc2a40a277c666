package io.dekube.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.InMemoryStore;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler's Events, named as client-go names them. */
class PodWritesTest {

  @Test
  void theScheduledEventIsNamedAfterThePodAndTheWallClockNanoseconds() {
    InMemoryStore store = new InMemoryStore();
    PodWrites writes = new PodWrites(store, ResourceRegistry.builtIn(), "default-scheduler");
    Pod pod = new PodBuilder().withNewMetadata().withName("web-1").withNamespace("ns").withUid("u1").endMetadata().build();
    Instant before = Instant.now();
    writes.event(pod, "Normal", "Scheduled", "Successfully assigned ns/web-1 to n1");
    writes.event(pod, "Normal", "Scheduled", "Successfully assigned ns/web-1 to n1");
    List<ObjectNode> events = store.items(store.type("events"), "ns");
    assertEquals(2, events.size());
    for (ObjectNode e : events) {
      String name = e.path("metadata").path("name").asText();
      assertTrue(name.startsWith("web-1."), name);
      // the kubelet names its events <pod>.<hex UnixNano>: list order by name is then time order
      long nanos = Long.parseLong(name.substring("web-1.".length()), 16);
      long beforeNanos = before.getEpochSecond() * 1_000_000_000L + before.getNano();
      assertTrue(nanos >= beforeNanos && nanos < beforeNanos + 60_000_000_000L, name + " is not now in UnixNano");
    }
  }
}
