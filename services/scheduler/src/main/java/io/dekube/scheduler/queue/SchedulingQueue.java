package io.dekube.scheduler.queue;

import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.PodInfo;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * kube's scheduling queue: activeQ ordered by priority then arrival (first come, first served), backoffQ for pods that failed
 * (exponential back-off 1 s .. 10 s by attempts), and the unschedulable pods. An unschedulable pod
 * remembers the plugins that rejected it and moves back only for a cluster event one of them
 * registered and whose queueing hint says it may help ({@link #moveAllToActiveOrBackoff}, kube 1.32's
 * QueueingHints: a node's heartbeat changes nothing they look at, a deleted pod that held cpu does), or
 * after 5 minutes in the pool. Events that come while a pod is being scheduled are kept and checked
 * against its hints when it comes back unschedulable (kube's in-flight events), so none is missed.
 * Confined to the scheduler's context.
 */
public final class SchedulingQueue {

  static final long INITIAL_BACKOFF_MS = 1_000;
  static final long MAX_BACKOFF_MS = 10_000;
  static final long MAX_UNSCHEDULABLE_MS = 5 * 60_000;
  /** Events kept for pods being scheduled; beyond this the oldest go, and a pod that may have missed one is retried. */
  static final int MAX_IN_FLIGHT_EVENTS = 10_000;

  private record InFlightEvent(long seq, ClusterEvent event, Object oldObj, Object newObj) {
  }

  private final LongSupplier clock;
  private final QueueingHints hints;
  private final ArrayDeque<InFlightEvent> inFlightEvents = new ArrayDeque<>();
  private final PriorityQueue<QueuedPod> active = new PriorityQueue<>(
      Comparator.comparingInt(QueuedPod::priority).reversed().thenComparingLong(q -> q.arrival));
  private final PriorityQueue<QueuedPod> backoff = new PriorityQueue<>(Comparator.comparingLong(q -> q.backoffUntil));
  private final Map<String, QueuedPod> unschedulable = new LinkedHashMap<>();
  private final Map<String, QueuedPod> all = new HashMap<>();
  private final Map<String, QueuedPod> inFlight = new HashMap<>();
  private long arrivals;
  private long eventSeq;
  private long droppedEventsUpTo;
  private long cycle;

  /** A queue without queueing hints: any cluster event moves every unschedulable pod. */
  public SchedulingQueue(LongSupplier clock) {
    this(clock, QueueingHints.none());
  }

  public SchedulingQueue(LongSupplier clock, QueueingHints hints) {
    this.clock = clock;
    this.hints = hints;
  }

  /** Adds a pending pod, or updates the queued one. */
  public void add(Pod pod) {
    String key = PodInfo.key(pod);
    QueuedPod q = all.get(key);
    if (q == null) {
      q = new QueuedPod(pod, clock.getAsLong(), arrivals++);
      all.put(key, q);
      active.add(q);
      return;
    }
    update(q, pod);
  }

  private void update(QueuedPod q, Pod pod) {
    boolean changed = !Objects.equals(q.pod.getSpec(), pod.getSpec())
        || !Objects.equals(q.pod.getMetadata().getLabels(), pod.getMetadata().getLabels());
    q.pod = pod;
    // the pod's own spec or labels changed (a toleration added, a label a spread constraint counts): unlike
    // kube, whose hints look at which field changed, any such change retries it
    if (changed && unschedulable.remove(q.key) != null) {
      enqueueAfterMove(q);
    } else if (changed && inFlight.containsKey(q.key)) {
      q.updatedInFlight = true;
    }
  }

  /** Drops a pod (deleted, bound by someone else, or no longer ours). */
  public void delete(Pod pod) {
    delete(PodInfo.key(pod));
  }

  /** Removes the pod of this key ({@link PodInfo#key}) wherever it is queued. */
  public void delete(String key) {
    QueuedPod q = all.remove(key);
    if (q != null) {
      active.remove(q);
      backoff.remove(q);
      unschedulable.remove(key);
    }
  }

  /** Whether the pod is queued or being scheduled. */
  public boolean contains(Pod pod) {
    return all.containsKey(PodInfo.key(pod));
  }

  /** The next pod to schedule (backoffQ flushed first), or null. Starts a scheduling cycle. */
  public QueuedPod pop() {
    flush();
    QueuedPod q = active.poll();
    if (q != null) {
      q.attempts++;
      q.popEventSeq = eventSeq;
      q.updatedInFlight = false;
      cycle++;
      inFlight.put(q.key, q);
    }
    return q;
  }

  /** The pod was bound (or given up): it leaves the queue. */
  public void done(QueuedPod q) {
    leaveFlight(q);
    all.remove(q.key, q);
  }

  /**
   * The pod fits nowhere now, turned down by {@code rejectors} (plugin names; empty when unknown, then any
   * event retries it): unschedulable until an event they registered may help, or backoff when such an
   * event came while it was being scheduled.
   */
  public void unschedulable(QueuedPod q, Set<String> rejectors) {
    boolean missed = missedEvent(q, rejectors);
    leaveFlight(q);
    if (all.get(q.key) != q) {
      return;
    }
    q.unschedulablePlugins = Set.copyOf(rejectors);
    q.backoffUntil = clock.getAsLong() + backoffMs(q.attempts);
    if (missed) {
      backoff.add(q);
    } else {
      q.unschedulableSince = clock.getAsLong();
      unschedulable.put(q.key, q);
    }
  }

  private boolean missedEvent(QueuedPod q, Set<String> rejectors) {
    if (q.updatedInFlight || q.popEventSeq < droppedEventsUpTo) {
      return true;
    }
    for (InFlightEvent e : inFlightEvents) {
      if (e.seq() > q.popEventSeq
          && hints.worthRequeuing(q.pod, rejectors, e.event(), e.oldObj(), e.newObj())) {
        return true;
      }
    }
    return false;
  }

  /** The pod is no longer being scheduled: drop the in-flight events no pod in flight can still need. */
  private void leaveFlight(QueuedPod q) {
    inFlight.remove(q.key);
    long oldest = Long.MAX_VALUE;
    for (QueuedPod f : inFlight.values()) {
      oldest = Math.min(oldest, f.popEventSeq);
    }
    while (!inFlightEvents.isEmpty() && inFlightEvents.peekFirst().seq() <= oldest) {
      inFlightEvents.pollFirst();
    }
  }

  /** The attempt failed with an error: retry after back-off. */
  public void retry(QueuedPod q) {
    leaveFlight(q);
    if (all.get(q.key) != q) {
      return;
    }
    q.backoffUntil = clock.getAsLong() + backoffMs(q.attempts);
    backoff.add(q);
  }

  /** The cycle number of the last {@link #pop()}. */
  public long cycle() {
    return cycle;
  }

  /**
   * A cluster event (typed objects before and after it; null for none): each unschedulable pod that one of
   * its rejecting plugins' hints finds it may help moves to active (or backoff while backing off); pods
   * being scheduled will check it when they come back.
   */
  public void moveAllToActiveOrBackoff(ClusterEvent event, Object oldObj, Object newObj) {
    eventSeq++;
    if (!inFlight.isEmpty()) {
      inFlightEvents.addLast(new InFlightEvent(eventSeq, event, oldObj, newObj));
      if (inFlightEvents.size() > MAX_IN_FLIGHT_EVENTS) {
        droppedEventsUpTo = inFlightEvents.pollFirst().seq();
      }
    }
    for (QueuedPod q : new ArrayList<>(unschedulable.values())) {
      if (hints.worthRequeuing(q.pod, q.unschedulablePlugins, event, oldObj, newObj)) {
        unschedulable.remove(q.key);
        enqueueAfterMove(q);
      }
    }
  }

  private void enqueueAfterMove(QueuedPod q) {
    if (q.backoffUntil > clock.getAsLong()) {
      backoff.add(q);
    } else {
      active.add(q);
    }
  }

  /** Moves pods whose back-off is over to active, and pods unschedulable for 5 minutes back. */
  public void flush() {
    long now = clock.getAsLong();
    while (!backoff.isEmpty() && backoff.peek().backoffUntil <= now) {
      active.add(backoff.poll());
    }
    for (Iterator<QueuedPod> it = unschedulable.values().iterator(); it.hasNext(); ) {
      QueuedPod q = it.next();
      if (now - q.unschedulableSince >= MAX_UNSCHEDULABLE_MS) {
        it.remove();
        enqueueAfterMove(q);
      }
    }
  }

  /** Whether a pod is ready to pop. */
  public boolean hasActive() {
    flush();
    return !active.isEmpty();
  }

  /** Sizes for metrics: active, backoff, unschedulable. */
  public int[] sizes() {
    return new int[] {active.size(), backoff.size(), unschedulable.size()};
  }

  static long backoffMs(int attempts) {
    long b = INITIAL_BACKOFF_MS;
    for (int i = 1; i < attempts && b < MAX_BACKOFF_MS; i++) {
      b *= 2;
    }
    return Math.min(b, MAX_BACKOFF_MS);
  }
}
