package io.dekube.apiserver.flowcontrol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A priority level's seats and queues: kube's "fair queuing for server requests". A request is dealt
 * a hand of queues by its flow's hash ({@link ShuffleSharding}) and joins the one with the least
 * waiting work; when a seat is free the queue whose head would finish first in virtual time (R, which
 * advances at the rate the busy queues would each get the seats) is served, each dispatch moving that
 * queue's next start by the estimated service time G (3 s) and each finish correcting it by what the
 * request really took. A level without queues ({@code limitResponse: Reject}) runs a request when a
 * seat is free and rejects it otherwise; a queued level rejects one whose queue is full while every
 * seat is taken. Each request takes one seat.
 *
 * <p>Thread-safe (one lock per level, held briefly); the clock is injected so tests drive time. The
 * methods return the requests they dispatched, for the caller to resume outside the lock.
 */
public final class QueueSet {

  /** kube's estimated service time G, in seconds. */
  static final double SERVICE_SECONDS = 3.0;

  private final String level;
  private final LongSupplier clock;
  private final Observer observer;
  private int limit;
  private int handSize;
  private int queueLengthLimit;
  private Queue[] queues;
  private final Set<FlowRequest> queueless = Collections.newSetFromMap(new IdentityHashMap<>());
  private double currentR;
  private long lastNanos;
  private int waiting;
  private int executing;
  /** Queues (of the present ones) with requests waiting or executing, and the seats those requests use. */
  private int activeQueues;
  private int queuedSeats;
  private int robin = -1;
  private long enqueues;
  private long dispatched;
  private long rejected;
  private long timedOut;
  private long cancelled;

  /** What a QueueSet reports as it goes (metrics); called under its lock, so must not block. */
  public interface Observer {
    /** A request joined ({@code +1}) or left ({@code -1}) a queue. */
    default void waiting(String flowSchema, int delta) {
    }

    /** A request started ({@code +1}) or finished ({@code -1}) executing. */
    default void executing(String flowSchema, int delta) {
    }

    /** A request was dispatched after {@code waitedNanos} in a queue. */
    default void dispatched(String flowSchema, long waitedNanos) {
    }

    /** A request was turned away after {@code waitedNanos} ({@code queue-full}, {@code time-out}...). */
    default void rejected(String flowSchema, String reason, long waitedNanos) {
    }
  }

  /**
   * @param level the priority level's name
   * @param shape its concurrency limit and queuing
   * @param clock monotonic nanoseconds
   */
  public QueueSet(String level, Shape shape, LongSupplier clock, Observer observer) {
    this.level = level;
    this.clock = clock;
    this.observer = observer;
    this.lastNanos = clock.getAsLong();
    this.queues = new Queue[0];
    configure(shape);
  }

  /** A level's concurrency limit and queuing ({@code queues == 0}: reject instead of queuing). */
  public record Shape(int limit, int queues, int handSize, int queueLengthLimit) {

    /** A level that rejects what does not fit in {@code limit} seats. */
    public static Shape rejecting(int limit) {
      return new Shape(limit, 0, 0, 0);
    }
  }

  /** The level's name. */
  public String level() {
    return level;
  }

  /** Applies a new shape; waiting requests move to the new queues (or are rejected if there are none). */
  public synchronized List<FlowRequest> configure(Shape shape) {
    sync();
    limit = shape.limit();
    handSize = Math.min(shape.handSize(), shape.queues());
    queueLengthLimit = shape.queueLengthLimit();
    List<FlowRequest> moved = new ArrayList<>();
    if (shape.queues() != queues.length) {
      for (Queue q : queues) {
        moved.addAll(q.waiting);
        q.waiting.clear();
        q.current = false;
      }
      activeQueues = 0;
      queuedSeats = 0;
      moved.sort((x, y) -> Long.compare(x.arrivalNanos, y.arrivalNanos));
      Queue[] fresh = new Queue[shape.queues()];
      for (int i = 0; i < fresh.length; i++) {
        fresh[i] = new Queue(i);
        fresh[i].nextDispatchR = currentR;
      }
      queues = fresh;
      robin = -1;
      for (FlowRequest r : moved) {
        waiting--;
        observer.waiting(r.flowSchema, -1);
        if (queues.length == 0) {
          reject(r, "queue-full");
        } else {
          enqueue(r, pick(r.hash));
        }
      }
    }
    return dispatchAll(new ArrayList<>());
  }

  /**
   * A request arrives: afterwards its {@link FlowRequest#state()} is {@code EXECUTING} (go on),
   * {@code WAITING} (it is in the returned list once dispatched by a later call) or {@code REJECTED}.
   *
   * @return the requests this call dispatched (possibly {@code r})
   */
  public synchronized List<FlowRequest> start(FlowRequest r) {
    sync();
    List<FlowRequest> out = new ArrayList<>(1);
    if (queues.length == 0) {
      if (fits()) {
        r.startNanos = clock.getAsLong();
        r.startMillis = r.arrivalMillis + (r.startNanos - r.arrivalNanos) / 1_000_000;
        queueless.add(r);
        execute(r);
        out.add(r);
      } else {
        reject(r, "concurrency-limit");
      }
      return out;
    }
    Queue q = pick(r.hash);
    if (executing >= limit && q.waiting.size() >= queueLengthLimit) {
      reject(r, "queue-full");
      return out;
    }
    enqueue(r, q);
    return dispatchAll(out);
  }

  /** A request finished executing: frees its seat and dispatches what now fits. */
  public synchronized List<FlowRequest> finish(FlowRequest r) {
    if (r.state() != FlowRequest.State.EXECUTING) {
      return List.of();
    }
    sync();
    r.state(FlowRequest.State.FINISHED);
    executing--;
    observer.executing(r.flowSchema, -1);
    queueless.remove(r);
    Queue q = r.queue;
    if (q != null) {
      q.executing--;
      q.running.remove(r);
      touched(q, true, -1);
      double took = (clock.getAsLong() - r.startNanos) / 1e9;
      q.nextDispatchR -= SERVICE_SECONDS - took;
      bound(q);
    }
    return dispatchAll(new ArrayList<>());
  }

  /**
   * Its client went away or its response ended: an executing request is finished, a waiting one leaves
   * its queue ({@code cancelled}); otherwise nothing happens.
   *
   * @return the requests this call dispatched
   */
  public synchronized List<FlowRequest> release(FlowRequest r) {
    if (r.state() == FlowRequest.State.EXECUTING) {
      return finish(r);
    }
    abandon(r, "cancelled");
    return List.of();
  }

  /**
   * A waiting request gave up: {@code time-out} (it waited too long, it is rejected) or {@code cancelled}
   * (its client went away). A request no longer waiting is left as it is.
   *
   * @return whether it was waiting
   */
  public synchronized boolean abandon(FlowRequest r, String reason) {
    if (r.state() != FlowRequest.State.WAITING) {
      return false;
    }
    sync();
    r.queue.waiting.remove(r);
    touched(r.queue, true, -1);
    waiting--;
    observer.waiting(r.flowSchema, -1);
    if (reason.equals("cancelled")) {
      cancelled++;
      r.state(FlowRequest.State.CANCELLED);
      observer.rejected(r.flowSchema, reason, clock.getAsLong() - r.arrivalNanos);
    } else {
      reject(r, reason);
    }
    bound(r.queue);
    return true;
  }

  private void reject(FlowRequest r, String reason) {
    if (reason.equals("time-out")) {
      timedOut++;
    } else {
      rejected++;
    }
    r.rejectReason = reason;
    r.state(FlowRequest.State.REJECTED);
    observer.rejected(r.flowSchema, reason, clock.getAsLong() - r.arrivalNanos);
  }

  private boolean fits() {
    // a level of no seats still runs one request at a time, as kube's does
    return executing + 1 <= limit || (limit < 1 && executing == 0);
  }

  private void execute(FlowRequest r) {
    executing++;
    dispatched++;
    r.state(FlowRequest.State.EXECUTING);
    observer.executing(r.flowSchema, 1);
    observer.dispatched(r.flowSchema, r.startNanos - r.arrivalNanos);
  }

  /** The queue of the dealt hand with the least waiting work, starting at a rotating place in the hand. */
  private Queue pick(long hash) {
    int[] hand = ShuffleSharding.deal(hash, queues.length, Math.max(1, handSize));
    int offset = (int) (enqueues++ % hand.length);
    Queue best = null;
    for (int i = 0; i < hand.length; i++) {
      Queue q = queues[hand[(offset + i) % hand.length]];
      if (best == null || q.waiting.size() < best.waiting.size()) {
        best = q;
      }
    }
    return best;
  }

  private void enqueue(FlowRequest r, Queue q) {
    if (q.waiting.isEmpty() && q.executing == 0) {
      // an idle queue starts at the present virtual time
      q.nextDispatchR = currentR;
    }
    boolean wasActive = active(q);
    r.queue = q;
    r.arrivalR = currentR;
    r.state(FlowRequest.State.WAITING);
    q.waiting.addLast(r);
    touched(q, wasActive, 1);
    waiting++;
    observer.waiting(r.flowSchema, 1);
  }

  private List<FlowRequest> dispatchAll(List<FlowRequest> out) {
    while (waiting > 0 && fits()) {
      Queue q = nextQueue();
      if (q == null) {
        break;
      }
      FlowRequest r = q.waiting.pollFirst();
      waiting--;
      observer.waiting(r.flowSchema, -1);
      r.startNanos = clock.getAsLong();
      r.startMillis = r.arrivalMillis + (r.startNanos - r.arrivalNanos) / 1_000_000;
      q.executing++;
      q.running.add(r);
      q.nextDispatchR += SERVICE_SECONDS;
      execute(r);
      bound(q);
      out.add(r);
    }
    return out;
  }

  /** The queue whose head finishes first in virtual time, ties to the next one round the ring. */
  private Queue nextQueue() {
    Queue best = null;
    int bestIndex = -1;
    int n = queues.length;
    for (int i = 1; i <= n; i++) {
      int index = (robin + i) % n;
      Queue q = queues[index];
      if (!q.waiting.isEmpty() && (best == null || q.nextDispatchR + SERVICE_SECONDS
          < best.nextDispatchR + SERVICE_SECONDS)) {
        best = q;
        bestIndex = index;
      }
    }
    if (best != null) {
      robin = bestIndex;
    }
    return best;
  }

  /** A queue's virtual start never precedes its oldest request's arrival (kube's anti-windup). */
  private static void bound(Queue q) {
    FlowRequest head = q.waiting.peekFirst();
    if (head != null && q.nextDispatchR < head.arrivalR) {
      q.nextDispatchR = head.arrivalR;
    }
  }

  private static boolean active(Queue q) {
    return q.executing > 0 || !q.waiting.isEmpty();
  }

  /** Keeps the busy-queue and seat counts of the present queues after {@code q} changed. */
  private void touched(Queue q, boolean wasActive, int seats) {
    if (!q.current) {
      return;
    }
    queuedSeats += seats;
    boolean now = active(q);
    if (now != wasActive) {
      activeQueues += now ? 1 : -1;
    }
  }

  /** Advances virtual time to now at the rate of the past moment's busy queues. */
  private void sync() {
    long now = clock.getAsLong();
    double elapsed = (now - lastNanos) / 1e9;
    lastNanos = now;
    if (activeQueues > 0 && elapsed > 0) {
      currentR += elapsed * Math.min(queuedSeats, Math.max(limit, 1)) / activeQueues;
    }
  }

  /** The present virtual time R, in seat-seconds. */
  public synchronized double currentR() {
    sync();
    return currentR;
  }

  /** A consistent picture of the level, for the debug endpoints. */
  public synchronized Dump dump() {
    sync();
    List<QueueDump> qs = new ArrayList<>(queues.length);
    for (Queue q : queues) {
      qs.add(new QueueDump(List.copyOf(q.waiting), List.copyOf(q.running), q.executing, q.nextDispatchR));
    }
    return new Dump(qs, List.copyOf(queueless), waiting, executing, dispatched, rejected, timedOut, cancelled, limit);
  }

  /** One queue's picture. */
  public record QueueDump(List<FlowRequest> waiting, List<FlowRequest> executing, int executingCount,
                          double nextDispatchR) {
  }

  /** The level's picture. */
  public record Dump(List<QueueDump> queues, List<FlowRequest> queuelessExecuting, int waiting, int executing,
                     long dispatched, long rejected, long timedOut, long cancelled, int limit) {

    /** Queues with requests waiting. */
    public int activeQueues() {
      int n = 0;
      for (QueueDump q : queues) {
        if (!q.waiting().isEmpty()) {
          n++;
        }
      }
      return n;
    }

    /** Nothing waits and nothing executes. */
    public boolean idle() {
      return waiting == 0 && executing == 0;
    }
  }

  /** One queue: its waiting requests in arrival order and its executing ones. */
  static final class Queue {
    final int index;
    final ArrayDeque<FlowRequest> waiting = new ArrayDeque<>();
    final Set<FlowRequest> running = Collections.newSetFromMap(new IdentityHashMap<>());
    int executing;
    double nextDispatchR;
    /** Whether it is one of the QueueSet's present queues (not one a reshape left behind). */
    boolean current = true;

    Queue(int index) {
      this.index = index;
    }
  }
}
