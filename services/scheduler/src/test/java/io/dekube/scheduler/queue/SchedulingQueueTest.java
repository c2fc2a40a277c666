package io.dekube.scheduler.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The active queue's order: priority first, then first come, first served. */
class SchedulingQueueTest {

  @Test
  void podsQueuedInTheSameMillisecondPopInTheOrderTheyArrived() {
    SchedulingQueue queue = new SchedulingQueue(() -> 1_000L);
    List<String> names = List.of("web-1", "web-2", "web-3", "web-4", "web-5", "web-6", "web-7", "web-8");
    names.forEach(n -> queue.add(pod(n, 0)));
    List<String> popped = new ArrayList<>();
    for (QueuedPod q = queue.pop(); q != null; q = queue.pop()) {
      popped.add(q.pod().getMetadata().getName());
    }
    assertEquals(names, popped);
  }

  @Test
  void aHigherPriorityPodGoesFirstWhenItCameLast() {
    SchedulingQueue queue = new SchedulingQueue(() -> 1_000L);
    queue.add(pod("low", 0));
    queue.add(pod("high", 1000));
    assertEquals("high", queue.pop().pod().getMetadata().getName());
    assertEquals("low", queue.pop().pod().getMetadata().getName());
    assertNull(queue.pop());
  }

  private static Pod pod(String name, int priority) {
    return new PodBuilder().withNewMetadata().withNamespace("q").withName(name).withUid("uid-" + name).endMetadata()
        .withNewSpec().withPriority(priority).endSpec().build();
  }
}
