package io.dekube.scheduler;

import io.dekube.scheduler.api.PodInfo;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pods a Permit plugin holds ({@code WAIT}): each waits for {@link #allow}, {@link #reject} or its
 * timeout, whichever comes first. Thread-safe; results complete on the scheduler's context.
 */
final class Permits {

  private record Waiting(Promise<Status> promise, long timer, Context context) {
  }

  private volatile Vertx vertx;
  private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();

  /** Sets the Vert.x instance timers run on (at the verticle's start). */
  void vertx(Vertx v) {
    this.vertx = v;
  }

  Future<Status> await(Pod pod, String plugin, Duration timeout) {
    String key = PodInfo.key(pod);
    Promise<Status> p = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> complete(key,
        Status.unschedulable("rejected due to timeout after waiting " + timeout.toMillis() + "ms at plugin " + plugin)
            .withPlugin(plugin)));
    waiting.put(key, new Waiting(p, timer, vertx.getOrCreateContext()));
    return p.future();
  }

  /** Whether a Permit plugin holds the pod now. */
  boolean waiting(Pod pod) {
    return waiting.containsKey(PodInfo.key(pod));
  }

  void allow(Pod pod) {
    complete(PodInfo.key(pod), Status.success());
  }

  void reject(Pod pod, String plugin, String message) {
    complete(PodInfo.key(pod), Status.unschedulable(message).withPlugin(plugin));
  }

  private void complete(String key, Status s) {
    Waiting w = waiting.remove(key);
    if (w != null) {
      vertx.cancelTimer(w.timer());
      w.context().runOnContext(v -> w.promise().tryComplete(s));
    }
  }
}
