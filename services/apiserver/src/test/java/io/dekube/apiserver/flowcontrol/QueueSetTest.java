package io.dekube.apiserver.flowcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** kube's fair queuing for server requests, driven by a clock the test moves. */
class QueueSetTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<String> events = new ArrayList<>();
  private final QueueSet.Observer observer = new QueueSet.Observer() {
    @Override
    public void dispatched(String flowSchema, long waitedNanos) {
      events.add("dispatched " + flowSchema + " after " + waitedNanos / 1_000_000 + "ms");
    }

    @Override
    public void rejected(String flowSchema, String reason, long waitedNanos) {
      events.add("rejected " + flowSchema + " " + reason);
    }
  };

  private FlowRequest request(String flow) {
    return new FlowRequest("fs", flow, null, now.get(), 0);
  }

  private void advanceMillis(long ms) {
    now.addAndGet(ms * 1_000_000);
  }

  @Test
  void aRejectingLevelRunsWhatFitsAndRejectsTheRest() {
    QueueSet qs = new QueueSet("one-seat", QueueSet.Shape.rejecting(1), now::get, observer);
    FlowRequest first = request("a");
    assertEquals(List.of(first), qs.start(first));
    assertEquals(FlowRequest.State.EXECUTING, first.state());
    FlowRequest second = request("a");
    assertEquals(List.of(), qs.start(second));
    assertEquals(FlowRequest.State.REJECTED, second.state());
    assertEquals("concurrency-limit", second.rejectReason());
    qs.finish(first);
    FlowRequest third = request("b");
    qs.start(third);
    assertEquals(FlowRequest.State.EXECUTING, third.state());
    assertEquals(List.of("dispatched fs after 0ms", "rejected fs concurrency-limit", "dispatched fs after 0ms"),
        events);
    QueueSet.Dump d = qs.dump();
    assertEquals(2, d.dispatched());
    assertEquals(1, d.rejected());
    assertEquals(List.of(third), d.queuelessExecuting());
  }

  @Test
  void aLevelOfNoSeatsStillRunsOneAtATime() {
    QueueSet qs = new QueueSet("none", QueueSet.Shape.rejecting(0), now::get, observer);
    FlowRequest first = request("a");
    qs.start(first);
    assertEquals(FlowRequest.State.EXECUTING, first.state());
    FlowRequest second = request("a");
    qs.start(second);
    assertEquals(FlowRequest.State.REJECTED, second.state());
  }

  @Test
  void aFullQueueRejectsOnlyWhileEverySeatIsTaken() {
    // one queue of two places, one seat
    QueueSet qs = new QueueSet("q", new QueueSet.Shape(1, 1, 1, 2), now::get, observer);
    FlowRequest running = request("a");
    qs.start(running);
    FlowRequest w1 = request("a");
    FlowRequest w2 = request("a");
    FlowRequest w3 = request("a");
    assertEquals(List.of(), qs.start(w1));
    assertEquals(List.of(), qs.start(w2));
    assertEquals(List.of(), qs.start(w3));
    assertEquals(FlowRequest.State.WAITING, w1.state());
    assertEquals(FlowRequest.State.WAITING, w2.state());
    assertEquals(FlowRequest.State.REJECTED, w3.state());
    assertEquals("queue-full", w3.rejectReason());
    advanceMillis(250);
    // the seat frees up: the oldest waiting request goes, after waiting 250 ms
    assertEquals(List.of(w1), qs.finish(running));
    assertEquals(FlowRequest.State.EXECUTING, w1.state());
    assertEquals(250_000_000L, w1.waitedNanos());
    assertEquals(List.of(w2), qs.finish(w1));
  }

  @Test
  void aWaitingRequestTimesOutOrIsCancelledAndLeavesItsQueue() {
    QueueSet qs = new QueueSet("q", new QueueSet.Shape(1, 4, 2, 10), now::get, observer);
    FlowRequest running = request("a");
    qs.start(running);
    FlowRequest late = request("b");
    FlowRequest gone = request("c");
    qs.start(late);
    qs.start(gone);
    assertTrue(qs.abandon(late, "time-out"));
    assertEquals(FlowRequest.State.REJECTED, late.state());
    assertEquals("time-out", late.rejectReason());
    assertEquals(List.of(), qs.release(gone));
    assertEquals(FlowRequest.State.CANCELLED, gone.state());
    // nothing is left to dispatch when the seat frees up
    assertEquals(List.of(), qs.finish(running));
    QueueSet.Dump d = qs.dump();
    assertEquals(1, d.timedOut());
    assertEquals(1, d.cancelled());
    assertTrue(d.idle());
    // a request already dispatched does not time out
    FlowRequest r = request("d");
    qs.start(r);
    assertTrue(!qs.abandon(r, "time-out"));
    assertEquals(FlowRequest.State.EXECUTING, r.state());
  }

  @Test
  void fairQueuingServesFlowsInTurnNotInArrivalOrder() {
    // two seats, 8 queues of hand 1: each flow has one queue of its own (their hashes differ)
    QueueSet qs = new QueueSet("fair", new QueueSet.Shape(2, 64, 1, 100), now::get, observer);
    String heavy = "heavy";
    String light = distinctQueueFlow(heavy);
    FlowRequest h1 = request(heavy);
    FlowRequest h2 = request(heavy);
    qs.start(h1);
    qs.start(h2);
    // the heavy flow queues ten more, then the light flow one
    List<FlowRequest> heavyWaiting = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      advanceMillis(1);
      FlowRequest r = request(heavy);
      qs.start(r);
      heavyWaiting.add(r);
    }
    advanceMillis(1);
    FlowRequest l1 = request(light);
    qs.start(l1);
    // a seat frees up: the light flow's request goes before the heavy flow's older ones
    advanceMillis(100);
    assertEquals(List.of(l1), qs.finish(h1));
    // the next seat goes to the heavy flow, oldest first
    advanceMillis(100);
    assertEquals(List.of(heavyWaiting.get(0)), qs.finish(h2));
  }

  @Test
  void virtualTimeAdvancesWithTheBusyQueuesShareOfTheSeats() {
    QueueSet qs = new QueueSet("vt", new QueueSet.Shape(4, 16, 1, 10), now::get, observer);
    assertEquals(0.0, qs.currentR());
    FlowRequest a = request("a");
    qs.start(a);
    // one busy queue, one seat requested: R advances one seat-second per second
    advanceMillis(2000);
    assertEquals(2.0, qs.currentR(), 1e-9);
    FlowRequest b = request(distinctQueueFlow("a"));
    qs.start(b);
    // two busy queues each get half of the two seats they use: still one per second
    advanceMillis(1000);
    assertEquals(3.0, qs.currentR(), 1e-9);
    qs.finish(a);
    qs.finish(b);
    // idle: R stands still
    advanceMillis(5000);
    assertEquals(3.0, qs.currentR(), 1e-9);
  }

  @Test
  void reshapingMovesWaitingRequestsAndDispatchesIntoNewSeats() {
    QueueSet qs = new QueueSet("re", new QueueSet.Shape(1, 8, 2, 10), now::get, observer);
    FlowRequest running = request("a");
    qs.start(running);
    FlowRequest w = request("b");
    qs.start(w);
    assertEquals(FlowRequest.State.WAITING, w.state());
    assertEquals(List.of(w), qs.configure(new QueueSet.Shape(2, 16, 2, 10)));
    assertEquals(FlowRequest.State.EXECUTING, w.state());
    assertEquals(16, qs.dump().queues().size());
  }

  /** A flow whose one-queue hand differs from {@code flow}'s in 64 queues. */
  private static String distinctQueueFlow(String flow) {
    int queue = ShuffleSharding.deal(ShuffleSharding.flowHash("fs", flow), 64, 1)[0];
    for (int i = 0; ; i++) {
      if (ShuffleSharding.deal(ShuffleSharding.flowHash("fs", "other-" + i), 64, 1)[0] != queue) {
        return "other-" + i;
      }
    }
  }
}
