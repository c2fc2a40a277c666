package io.dekube.controllermanager.nodelifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's zone disruption handling ({@code handleDisruption}): each zone's state from its nodes' Ready conditions,
 * the rate of its NoExecute taint queue ({@link TaintQueue}) set from that state, and the "master disruption
 * mode" of a cluster whose every zone is down — no node tainted, the taints taken off, since a control plane
 * that hears from no node is more likely cut off than every node broken. Logs kube's lines. Not thread-safe:
 * called on the controller's loop context.
 */
final class Disruption {

  /** What a monitor pass changed that the controller acts on. */
  enum Change { NONE, ENTERED_MASTER_DISRUPTION, EXITED_MASTER_DISRUPTION }

  private static final Logger LOG = LoggerFactory.getLogger(NodeLifecycleController.class);

  private final NodeLifecycleOptions options;
  private final Map<String, ZoneState> states = new LinkedHashMap<>();
  private final Map<String, TaintQueue> queues = new HashMap<>();
  private boolean master;

  Disruption(NodeLifecycleOptions options) {
    this.options = options;
  }

  /** The zone's taint queue, made at the normal rate the first time the zone is seen (kube's addPodEvictorForNewZone). */
  TaintQueue queue(String zone, Instant now) {
    return queues.computeIfAbsent(zone, z -> {
      LOG.info("Initializing eviction metric for zone zone={}", Zones.quoted(z));
      ZoneMetrics.evicted(z, 0);
      states.putIfAbsent(z, ZoneState.INITIAL);
      return new TaintQueue(options.nodeEvictionRate(), now);
    });
  }

  /** Whether every zone is down and tainting is stopped (the taints are to come off). */
  boolean masterDisruption() {
    return master;
  }

  ZoneState state(String zone) {
    return states.get(zone);
  }

  /** Takes the node out of every queue (it is Ready again: kube's markNodeAsReachable). */
  void reachable(String node) {
    queues.values().forEach(q -> q.remove(node));
  }

  /** Whether the node waits in a queue. */
  boolean waiting(String node) {
    return queues.values().stream().anyMatch(q -> q.waiting(node));
  }

  /** The nodes every zone lets out now (kube's doNoExecuteTaintingPass, every 100 ms). */
  List<String> take(Instant now) {
    List<String> out = new ArrayList<>();
    queues.values().forEach(q -> out.addAll(q.take(now)));
    return out;
  }

  /**
   * One monitor pass over the zones: {@code zones} maps each zone to its nodes' Ready statuses (nodes with the
   * exclude-disruption label left out). Sets each zone's state and rate as kube does and says whether the
   * cluster entered or left master disruption mode.
   */
  Change observe(Map<String, List<String>> zones, Instant now) {
    Map<String, ZoneState> next = new HashMap<>();
    boolean allAre = true;
    for (Map.Entry<String, List<String>> e : zones.entrySet()) {
      ZoneState s = ZoneState.compute(e.getValue(), options.unhealthyZoneThreshold());
      ZoneMetrics.set(e.getKey(), e.getValue().size(), (int) e.getValue().stream().filter(r -> !"True".equals(r)).count());
      allAre &= s == ZoneState.FULL_DISRUPTION;
      next.put(e.getKey(), s);
      queue(e.getKey(), now);
      states.putIfAbsent(e.getKey(), ZoneState.INITIAL);
    }
    boolean allWas = true;
    for (Iterator<Map.Entry<String, ZoneState>> it = states.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, ZoneState> e = it.next();
      if (!zones.containsKey(e.getKey())) {
        it.remove();
        ZoneMetrics.remove(e.getKey());
      } else if (e.getValue() != ZoneState.FULL_DISRUPTION) {
        allWas = false;
      }
    }
    if (allAre && allWas) {
      return Change.NONE;
    }
    if (allAre) {
      LOG.info("Controller detected that all Nodes are not-Ready. Entering master disruption mode");
      states.keySet().forEach(z -> queues.get(z).swapRate(0, now));
      states.replaceAll((z, s) -> ZoneState.FULL_DISRUPTION);
      master = true;
      return Change.ENTERED_MASTER_DISRUPTION;
    }
    master = false;
    if (allWas) {
      LOG.info("Controller detected that some Nodes are Ready. Exiting master disruption mode");
      states.replaceAll((z, s) -> setRate(z, zones.get(z).size(), next.get(z), now));
      return Change.EXITED_MASTER_DISRUPTION;
    }
    states.replaceAll((z, s) -> {
      ZoneState n = next.get(z);
      if (n != s) {
        LOG.info("Controller detected that zone is now in new state zone={} newState=\"{}\"", Zones.quoted(z), n);
        setRate(z, zones.get(z).size(), n, now);
      }
      return n;
    });
    return Change.NONE;
  }

  private ZoneState setRate(String zone, int size, ZoneState state, Instant now) {
    queues.get(zone).swapRate(options.rate(state, size), now);
    return state;
  }
}
