package io.dekube.controllermanager.nodelifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One zone's queue of nodes waiting for their NoExecute taint, let out first come first out at the zone's rate —
 * kube's {@code RateLimitedTimedQueue} with its token bucket of burst 1 (a new bucket starts full). Not
 * thread-safe: the node lifecycle controller calls it on its loop's context.
 */
final class TaintQueue {

  private final ArrayDeque<String> waiting = new ArrayDeque<>();
  private Bucket bucket;

  TaintQueue(float qps, Instant now) {
    this.bucket = new Bucket(qps, now);
  }

  /** Queues the node unless it waits already; true when it was added. */
  boolean add(String node) {
    if (waiting.contains(node)) {
      return false;
    }
    return waiting.add(node);
  }

  /** Takes the node out (it is Ready again); true when it was waiting. */
  boolean remove(String node) {
    return waiting.remove(node);
  }

  boolean waiting(String node) {
    return waiting.contains(node);
  }

  /** kube's {@code Try}: the nodes let out now, first come first out, one token each. */
  List<String> take(Instant now) {
    List<String> out = new java.util.ArrayList<>();
    while (!waiting.isEmpty() && bucket.tryAccept(now)) {
      out.add(waiting.poll());
    }
    return out;
  }

  float qps() {
    return bucket.qps;
  }

  /**
   * kube's {@code SwapLimiter}: a new bucket for a new rate (none for 0: nothing is let out); when the old one
   * is empty the new one starts empty too, so a change of rate is no free token.
   */
  void swapRate(float qps, Instant now) {
    if (bucket.qps == qps) {
      return;
    }
    Bucket next = new Bucket(qps, now);
    if (qps > 0 && !bucket.tryAccept(now)) {
      next.tryAccept(now);
    }
    bucket = next;
  }

  /** A token bucket of burst 1 refilled at {@code qps}; none ever for a rate of 0 or less. */
  private static final class Bucket {
    private final float qps;
    private double tokens = 1;
    private Instant last;

    Bucket(float qps, Instant now) {
      this.qps = qps;
      this.last = now;
    }

    boolean tryAccept(Instant now) {
      if (qps <= 0) {
        return false;
      }
      if (now.isAfter(last)) {
        tokens = Math.min(1, tokens + Duration.between(last, now).toNanos() / 1e9 * qps);
        last = now;
      }
      if (tokens >= 1 - 1e-6) { // float rates (0.1f, 0.01f) fall a hair short of a whole token
        tokens = Math.max(0, tokens - 1);
        return true;
      }
      return false;
    }
  }
}
