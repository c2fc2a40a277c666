package io.dekube.kubelet.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.model.Json;
import io.dekube.core.model.Typed;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The eviction manager's housekeeping with a fake clock and injected usage: thresholds, node conditions and their
 * transition period, soft grace periods, kube's ranking and message, critical pods, and its admit handler.
 */
class EvictionManagerTest {

  private static final long MI = 1 << 20;
  private static final long CAPACITY = 1024 * MI;

  /** A pod the manager may evict, remembering its eviction. */
  private static final class FakePod implements EvictionManager.Candidate {
    final Pod pod;
    final boolean critical;
    String message;
    long grace = -1;

    FakePod(String json, boolean critical) {
      this.pod = EvictionManagerTest.pod(json);
      this.critical = critical;
    }

    @Override
    public String uid() {
      return pod.getMetadata().getUid();
    }

    @Override
    public Pod pod() {
      return pod;
    }

    @Override
    public boolean critical() {
      return critical;
    }

    @Override
    public NodeSignals.Containers containers() {
      return new NodeSignals.Containers(uid(), List.of());
    }

    @Override
    public Future<Void> evict(String message, long graceSeconds) {
      this.message = message;
      this.grace = graceSeconds;
      return Future.succeededFuture();
    }
  }

  private Instant now = Instant.parse("2026-12-07T12:00:00Z");
  private final List<FakePod> pods = new ArrayList<>();
  /** Working set of each pod's container {@code c} (by uid). */
  private final Map<String, Long> usage = new HashMap<>();
  private final List<String> nodeEvents = new ArrayList<>();
  private int conditionChanges;

  private EvictionManager manager(EvictionConfig config) {
    Clock clock = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
    EvictionManager.Sampler sampler = (measured, disk, at) -> {
      Map<String, PodUsage> byPod = new HashMap<>();
      long total = 0;
      for (FakePod p : pods) {
        long ws = usage.getOrDefault(p.uid(), 0L);
        byPod.put(p.uid(), new PodUsage(List.of(new PodUsage.Container("c", ws, 0))));
        total += ws;
      }
      Map<Signal, Observation> obs = new EnumMap<>(Signal.class);
      obs.put(Signal.MEMORY_AVAILABLE, Observation.of(CAPACITY - total, CAPACITY, at));
      obs.put(Signal.NODEFS_AVAILABLE, Observation.of(500L << 30, 1000L << 30, at));
      return Future.succeededFuture(new NodeSignals.Sample(obs, byPod));
    };
    return new EvictionManager(null, config, () -> new ArrayList<>(pods), sampler, clock,
        (reason, message) -> nodeEvents.add(reason + ": " + message), () -> conditionChanges++);
  }

  private static Pod pod(String json) {
    try {
      return Typed.from((com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(json.replace('\'', '"')),
          Pod.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private FakePod add(String name, String resources, Integer priority, long workingSet) {
    FakePod p = new FakePod("{'metadata':{'name':'" + name + "','namespace':'ns','uid':'uid-" + name + "'},'spec':{"
        + (priority == null ? "" : "'priority':" + priority + ",") + "'containers':[{'name':'c','image':'x'"
        + (resources.isEmpty() ? "" : ",'resources':" + resources) + "}]}}", false);
    pods.add(p);
    usage.put(p.uid(), workingSet);
    return p;
  }

  private static <T> T result(Future<T> f) {
    return f.result();
  }

  @Test
  void aHardMemoryThresholdSetsMemoryPressureAndEvictsThePodAboveItsRequestAtOnce() {
    EvictionManager m = manager(EvictionConfig.defaults());
    FakePod small = add("small", "{'requests':{'memory':'600Mi'}}", null, 500 * MI);
    FakePod hog = add("hog", "", null, 300 * MI);
    assertNull(result(m.synchronize()), "800Mi of 1Gi in use");
    assertEquals(List.of(), m.conditions());

    usage.put(hog.uid(), 474 * MI - 4096); // 974Mi of 1Gi in use but 4Ki: 50Mi and 4Ki available
    now = now.plusSeconds(10);
    assertSame(hog, result(m.synchronize()), "the pod above its request goes, not the larger one within it");
    assertEquals(List.of("MemoryPressure"), m.conditions());
    assertEquals(1, conditionChanges);
    assertEquals(List.of("EvictionThresholdMet: Attempting to reclaim memory"), nodeEvents);
    assertEquals(1, hog.grace, "kube 1.32's immediate eviction grace period");
    assertEquals("The node was low on resource: memory. Threshold quantity: 100Mi, available: 51204Ki. "
        + "Container c was using 485372Ki, request is 0, has larger consumption of memory. ", hog.message);
    assertNull(small.message);
  }

  @Test
  void theConditionStaysForTheTransitionPeriodAndNewBestEffortPodsAreRefused() {
    EvictionManager m = manager(EvictionConfig.parse(EvictionConfig.langleMap("memory.available<100Mi"), Map.of(),
        Map.of(), Map.of(), 0, Duration.ofMinutes(5)));
    FakePod guaranteed = add("g", "{'requests':{'memory':'900Mi','cpu':'1'},'limits':{'memory':'900Mi','cpu':'1'}}",
        null, 950 * MI);
    assertSame(guaranteed, result(m.synchronize()));
    pods.clear();
    Pod bestEffort = pod("{'metadata':{'name':'be','namespace':'ns'},'spec':{'containers':[{'name':'c'}]}}");
    Pod burstable = pod("{'metadata':{'name':'b','namespace':'ns'},'spec':{'containers':[{'name':'c',"
        + "'resources':{'requests':{'cpu':'100m'}}}]}}");
    Pod tolerating = pod("{'metadata':{'name':'t','namespace':'ns'},'spec':{'tolerations':[{'key':"
        + "'node.kubernetes.io/memory-pressure','operator':'Exists','effect':'NoSchedule'}],'containers':[{'name':'c'}]}}");
    assertEquals("The node had condition: [MemoryPressure]. ", m.admit(bestEffort, false));
    assertNull(m.admit(burstable, false), "memory pressure alone refuses BestEffort pods only");
    assertNull(m.admit(tolerating, false));
    assertNull(m.admit(bestEffort, true), "critical pods are admitted");

    Instant lastMet = now;
    now = now.plusSeconds(10);
    assertNull(result(m.synchronize()), "the memory came back");
    assertEquals(List.of("MemoryPressure"), m.conditions(), "kept for the pressure transition period");
    now = lastMet.plus(Duration.ofMinutes(5)).minusSeconds(1);
    result(m.synchronize());
    assertEquals(List.of("MemoryPressure"), m.conditions());
    now = now.plusSeconds(1);
    result(m.synchronize());
    assertEquals(List.of(), m.conditions(), "5m0s after it was last met");
    assertNull(m.admit(bestEffort, false));
    assertEquals(2, conditionChanges);
  }

  @Test
  void aSoftThresholdActsOnceItHeldForItsGracePeriodWithTheMaxPodGracePeriod() {
    EvictionManager m = manager(EvictionConfig.parse(Map.of(), EvictionConfig.langleMap("memory.available<300Mi"),
        EvictionConfig.equalsMap("memory.available=1m"), Map.of(), 20, Duration.ofMinutes(5)));
    FakePod p = add("p", "", null, 800 * MI);
    assertNull(result(m.synchronize()), "met now, but not for a minute yet");
    assertEquals(List.of("MemoryPressure"), m.conditions(), "the condition does not wait for the grace period");
    now = now.plusSeconds(50);
    assertNull(result(m.synchronize()));
    now = now.plusSeconds(10);
    assertSame(p, result(m.synchronize()));
    assertEquals(20, p.grace, "a soft eviction's grace period is --eviction-max-pod-grace-period");
    assertEquals(30, EvictionManager.softGrace(p.pod(), 0), "0 leaves the pod its own (30s by default)");
    assertEquals(1, EvictionManager.softGrace(p.pod(), -1));
  }

  @Test
  void podsRankByUsageAboveRequestsThenPriorityThenHowFarAboveAndCriticalPodsStay() {
    EvictionManager m = manager(EvictionConfig.defaults());
    FakePod critical = new FakePod("{'metadata':{'name':'dns','namespace':'kube-system','uid':'uid-dns'},"
        + "'spec':{'priority':2000001000,'containers':[{'name':'c'}]}}", true);
    pods.add(critical);
    usage.put(critical.uid(), 400 * MI);
    FakePod high = add("high", "", 1000, 300 * MI);
    FakePod lowSmall = add("low-small", "", 0, 100 * MI);
    FakePod lowBig = add("low-big", "", 0, 200 * MI);
    FakePod within = add("within", "{'requests':{'memory':'100Mi'}}", -5, 50 * MI);
    List<FakePod> ranked = EvictionRanking.rank(Signal.MEMORY_AVAILABLE, pods, FakePod::pod,
        p -> new PodUsage(List.of(new PodUsage.Container("c", usage.get(p.uid()), 0))));
    assertEquals(List.of(lowBig, lowSmall, high, critical, within), ranked,
        "within its request last, whatever its priority; above: low priority first, the largest first");
    assertSame(lowBig, result(m.synchronize()), "the critical pod is not evicted");
    assertNull(critical.message);
  }

  @Test
  void noThresholdNoPressure() {
    EvictionManager m = manager(EvictionConfig.parse(Map.of(), Map.of(), Map.of(), Map.of(), 0, Duration.ZERO));
    add("p", "", null, 1000 * MI);
    assertNull(result(m.synchronize()));
    assertEquals(List.of(), m.conditions());
    assertTrue(nodeEvents.isEmpty());
  }
}
