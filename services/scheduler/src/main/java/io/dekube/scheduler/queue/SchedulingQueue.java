package io.dekube.scheduler.queue;

import io.dekube.scheduler.api.PodInfo;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * kube's scheduling queue: activeQ ordered by priority then arrival (first come, first served), backoffQ for pods that failed
 * (exponential back-off 1 s .. 10 s by attempts), and the unschedulable pods, moved back when a
 * cluster event could help them ({@link #moveAllToActiveOrBackoff}: a node added or changed, a pod
 * deleted) or after 5 minutes. A move during a pod's cycle sends that pod to backoff rather than
 * unschedulable, so the event is not missed. Confined to the scheduler's context.
 */
public final class SchedulingQueue {

  static final long INITIAL_BACKOFF_MS = 1_000;
  static final long MAX_BACKOFF_MS = 10_000;
  static final long MAX_UNSCHEDULABLE_MS = 5 * 60_000;

  private final LongSupplier clock;
  private final PriorityQueue<QueuedPod> active = new PriorityQueue<>(
      Comparator.comparingInt(QueuedPod::priority).reversed().thenComparingLong(q -> q.arrival));
  private final PriorityQueue<QueuedPod> backoff = new PriorityQueue<>(Comparator.comparingLong(q -> q.backoffUntil));
  private final Map<String, QueuedPod> unschedulable = new LinkedHashMap<>();
  private final Map<String, QueuedPod> all = new HashMap<>();
  private final Map<String, QueuedPod> inFlight = new HashMap<>();
  private long arrivals;
  private long moveCycle;
  private long cycle;

  public SchedulingQueue(LongSupplier clock) {
    this.clock = clock;
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
    if (changed && unschedulable.remove(q.key) != null) {
      enqueueAfterMove(q);
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
      cycle++;
      inFlight.put(q.key, q);
    }
    return q;
  }

  /** The pod was bound (or given up): it leaves the queue. */
  public void done(QueuedPod q) {
    inFlight.remove(q.key);
    all.remove(q.key, q);
  }

  /** The pod fits nowhere now: unschedulable until an event may help (backoff if one came meanwhile). */
  public void unschedulable(QueuedPod q, long podCycle) {
    inFlight.remove(q.key);
    if (all.get(q.key) != q) {
      return;
    }
    q.backoffUntil = clock.getAsLong() + backoffMs(q.attempts);
    if (moveCycle >= podCycle) {
      backoff.add(q);
    } else {
      q.unschedulableSince = clock.getAsLong();
      unschedulable.put(q.key, q);
    }
  }

  /** The attempt failed with an error: retry after back-off. */
  public void retry(QueuedPod q) {
    inFlight.remove(q.key);
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

  /** A cluster event that may make unschedulable pods fit: move them to active (or backoff). */
  public void moveAllToActiveOrBackoff() {
    moveCycle = cycle;
    for (QueuedPod q : new ArrayList<>(unschedulable.values())) {
      unschedulable.remove(q.key);
      enqueueAfterMove(q);
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
