package io.dekube.scheduler.queue;

import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.ClusterEventWithHint;
import io.dekube.scheduler.api.EnqueueExtensions;
import io.dekube.scheduler.api.Plugin;
import io.dekube.scheduler.api.QueueingHint;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's queueing hint map: per profile (scheduler name), the events each plugin that can reject a
 * pod registered ({@link EnqueueExtensions}; a plugin without it registers {@link ClusterEvent#WILDCARD}),
 * and kube's {@code isPodWorthRequeuing} over them. Immutable after construction.
 */
public final class QueueingHints {

  private static final Logger LOG = LoggerFactory.getLogger(QueueingHints.class);

  private record Registration(String plugin, ClusterEventWithHint event) {
  }

  private final Map<String, List<Registration>> byProfile = new LinkedHashMap<>();

  /** No hints: every event requeues every pod (kube's behaviour for a profile it has no map for). */
  public static QueueingHints none() {
    return new QueueingHints();
  }

  /** Adds a profile's plugins that can reject pods (PreFilter, Filter, Reserve, Permit). */
  public QueueingHints profile(String schedulerName, Collection<? extends Plugin> plugins) {
    List<Registration> regs = byProfile.computeIfAbsent(schedulerName, k -> new ArrayList<>());
    for (Plugin p : plugins) {
      List<ClusterEventWithHint> events = p instanceof EnqueueExtensions e ? e.eventsToRegister()
          : List.of(ClusterEventWithHint.of(ClusterEvent.WILDCARD));
      for (ClusterEventWithHint e : events == null ? List.<ClusterEventWithHint>of() : events) {
        regs.add(new Registration(p.name(), e));
      }
    }
    return this;
  }

  /**
   * Whether an event may make a pod schedulable that {@code rejectors} turned down: yes when no plugin is
   * known to have rejected it (an error, no nodes), for a wildcard event, for a profile without hints, and
   * when a hint of a rejector registered for the event says {@link QueueingHint#QUEUE} (or fails).
   */
  boolean worthRequeuing(Pod pod, Set<String> rejectors, ClusterEvent event, Object oldObj, Object newObj) {
    if (rejectors.isEmpty() || event.resource() == ClusterEvent.Resource.WILDCARD) {
      return true;
    }
    List<Registration> regs = byProfile.get(schedulerName(pod));
    if (regs == null) {
      return true;
    }
    for (Registration r : regs) {
      if (!rejectors.contains(r.plugin()) || !r.event().event().match(event)) {
        continue;
      }
      if (r.event().hintFn() == null) {
        return true;
      }
      try {
        if (r.event().hintFn().hint(pod, oldObj, newObj) == QueueingHint.QUEUE) {
          return true;
        }
      } catch (RuntimeException e) {
        LOG.debug("queueing hint of {} failed for {}: {}", r.plugin(), event.label(), e.toString());
        return true;
      }
    }
    return false;
  }

  private static String schedulerName(Pod pod) {
    String n = pod.getSpec() == null ? null : pod.getSpec().getSchedulerName();
    return n == null || n.isEmpty() ? "default-scheduler" : n;
  }
}
