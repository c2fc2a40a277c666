package io.dekube.scheduler.queue;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.scheduler.api.BindPlugin;
import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.Plugin;
import io.dekube.scheduler.api.PluginFactory;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.framework.Profile;
import io.dekube.scheduler.framework.ProfileHandle;
import io.dekube.scheduler.framework.SchedulerConfiguration;
import io.dekube.scheduler.plugins.Registry;
import io.dekube.scheduler.plugins.defaultpreemption.DefaultPreemption;
import io.dekube.scheduler.testing.NoHandle;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube 1.32's {@code fillEnqueueExtensions}: every plugin of a profile has its events, so a pod turned down by any of
 * them waits for that plugin's events — DefaultPreemption's none (a victim it rejected at Permit waits for the
 * 5-minute flush), a jar's plugin without hints every event.
 */
class EnqueuePluginsTest {

  @TempDir
  Path dir;

  private long now = 1_000_000;
  private Profile profile;
  private SchedulingQueue queue;

  /** A jar's Bind plugin without hints, which turns pods down. */
  static final class GangBinder implements BindPlugin {
    @Override
    public String name() {
      return "GangBinder";
    }

    @Override
    public CompletionStage<Status> bind(CycleState state, Pod pod, String nodeName) {
      return CompletableFuture.completedFuture(Status.unschedulable("the gang is not complete"));
    }
  }

  static final class Handles extends NoHandle implements ProfileHandle {
    @Override
    public void attach(Profile profile) {
    }
  }

  @BeforeEach
  void load() throws Exception {
    PluginFactory gang = new PluginFactory() {
      @Override
      public String name() {
        return "GangBinder";
      }

      @Override
      public Plugin create(Map<String, Object> args, Handle handle) {
        return new GangBinder();
      }
    };
    Path file = Files.writeString(dir.resolve("sched.yaml"), "apiVersion: kubescheduler.config.k8s.io/v1\n"
        + "kind: KubeSchedulerConfiguration\nprofiles:\n- plugins:\n    bind:\n      enabled: [{name: GangBinder}]\n");
    profile = SchedulerConfiguration.load(file, Registry.inTree().with(gang), n -> new Handles()).get(0);
    queue = new SchedulingQueue(() -> now, QueueingHints.none().profile(profile.schedulerName(),
        profile.enqueuePlugins()));
  }

  private void rejected(Pod p, String plugin) {
    queue.add(p);
    queue.unschedulable(queue.pop(), Set.of(plugin));
    now += 20_000; // past its back-off: a move sends it to active
    assertArrayEquals(new int[] {0, 0, 1}, queue.sizes());
  }

  @Test
  void everyPluginOfTheProfileHasItsEvents() {
    List<String> names = profile.enqueuePlugins().stream().map(Plugin::name).toList();
    assertTrue(names.containsAll(List.of(DefaultPreemption.NAME, "GangBinder", "DefaultBinder", "NodeResourcesFit",
        "VolumeBinding", "ImageLocality")), names.toString());
  }

  @Test
  void aVictimDefaultPreemptionRejectedWaitsForTheFlushNotForAnyEvent() {
    rejected(pod("victim").priority(1).obj(), DefaultPreemption.NAME);
    queue.moveAllToActiveOrBackoff(new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.ADD), null,
        node("n2").capacity("cpu", "64").obj());
    queue.moveAllToActiveOrBackoff(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE),
        pod("web").node("n1").req("cpu", "2").obj(), null);
    assertArrayEquals(new int[] {0, 0, 1}, queue.sizes(), "DefaultPreemption registers no events in kube 1.32");
    now += SchedulingQueue.MAX_UNSCHEDULABLE_MS;
    assertEquals("victim", queue.pop().pod().getMetadata().getName());
  }

  @Test
  void aPodAHintlessPluginRejectedAtBindMovesOnAnyEvent() {
    rejected(pod("member").obj(), "GangBinder");
    queue.moveAllToActiveOrBackoff(new ClusterEvent(ClusterEvent.Resource.POD, ClusterEvent.DELETE),
        pod("unrelated").obj(), null);
    assertEquals("member", queue.pop().pod().getMetadata().getName());
  }
}
