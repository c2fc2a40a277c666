package io.dekube.core.controller;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ObjectKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The runtime of one controller, as kube-controller-manager's: informer handlers only turn a change
 * into keys and add them to a {@link WorkQueue}; workers pop a key and call the
 * {@link Reconciler}; every {@code resync} period every key of the primary resource is added again.
 *
 * <p>Threading: build it anywhere, then {@link #start} on the Vert.x context the reconciler should
 * run on (handlers, syncs and the resync timer all run there). {@link #enqueue} from any thread.
 */
public final class ControllerLoop {

  private final Vertx vertx;
  private final String name;
  private final Reconciler reconciler;
  private final ObjectCache primary;
  private final Duration resync;
  private final int workers;
  private final WorkQueue<ObjectKey> queue;
  private final List<Watched> watched = new ArrayList<>();
  private final List<Handled> handled = new ArrayList<>();
  private final List<HandlerRegistration> registrations = new ArrayList<>();
  private final List<Periodic> periodics = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();
  private long resyncTimer = -1;

  private record Periodic(Duration period, Runnable task) {
  }

  private record Watched(ObjectCache cache, Function<ObjectNode, Collection<ObjectKey>> keys) {
  }

  private record Handled(ObjectCache cache, InformerHandler handler) {
  }

  /**
   * A loop over the primary resource's keys.
   *
   * @param name    the controller's name (logs, metrics)
   * @param primary the resource whose keys the reconciler takes
   * @param resync  how often every primary key is synced again (zero or negative: never)
   * @param workers how many keys sync at once
   */
  public ControllerLoop(Vertx vertx, String name, Reconciler reconciler, ObjectCache primary, Duration resync,
                        int workers) {
    this.vertx = vertx;
    this.name = name;
    this.reconciler = reconciler;
    this.primary = primary;
    this.resync = resync;
    this.workers = workers;
    this.queue = new WorkQueue<>(vertx, name);
    watched.add(new Watched(primary, o -> List.of(ObjectKey.of(o))));
  }

  /**
   * Also reacts to changes of another resource: {@code keys} maps one of its objects to the primary
   * keys to sync (e.g. a pod to its owning ReplicaSet). For an update both the old and the new
   * object are mapped. Call before {@link #start}.
   */
  public ControllerLoop watch(ObjectCache cache, Function<ObjectNode, Collection<ObjectKey>> keys) {
    watched.add(new Watched(cache, keys));
    return this;
  }

  /**
   * Also reacts to changes of another resource through a handler of its own (which calls
   * {@link #enqueue}), for controllers that must see the kind of change (kube's expectations).
   * Call before {@link #start}.
   */
  public ControllerLoop watch(ObjectCache cache, InformerHandler handler) {
    handled.add(new Handled(cache, handler));
    return this;
  }

  /**
   * Also runs {@code task} every {@code period} on the loop's context while it runs (kube's
   * monitor passes, e.g. the node lifecycle controller's look at every node's heartbeat); the
   * task only enqueues keys. Call before {@link #start}.
   */
  public ControllerLoop every(Duration period, Runnable task) {
    periodics.add(new Periodic(period, task));
    return this;
  }

  /** The controller's name. */
  public String name() {
    return name;
  }

  /** The work queue (to requeue after a delay, or to look at in tests). */
  public WorkQueue<ObjectKey> queue() {
    return queue;
  }

  /** Adds a key to sync. Any thread. */
  public void enqueue(ObjectKey key) {
    queue.add(key);
  }

  /** Adds a key to sync after a delay. Any thread. */
  public void enqueueAfter(ObjectKey key, Duration delay) {
    queue.addAfter(key, delay);
  }

  /** Registers the handlers, starts the workers and the resync timer on the caller's context. */
  public void start() {
    queue.start(workers, reconciler::sync);
    for (Watched w : watched) {
      registrations.add(w.cache().addHandler(handler(w.keys())));
    }
    for (Handled h : handled) {
      registrations.add(h.cache().addHandler(h.handler()));
    }
    if (!resync.isZero() && !resync.isNegative()) {
      resyncTimer = vertx.setPeriodic(resync.toMillis(), t -> primary.list("").forEach(o -> enqueue(ObjectKey.of(o))));
    }
    for (Periodic p : periodics) {
      timers.add(vertx.setPeriodic(Math.max(1, p.period().toMillis()), t -> p.task().run()));
    }
  }

  /** Removes the handlers and the timer; completes when the syncs in flight are done. Idempotent. */
  public Future<Void> stop() {
    registrations.forEach(HandlerRegistration::remove);
    registrations.clear();
    if (resyncTimer >= 0) {
      vertx.cancelTimer(resyncTimer);
      resyncTimer = -1;
    }
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    return queue.shutdown();
  }

  private InformerHandler handler(Function<ObjectNode, Collection<ObjectKey>> keys) {
    return new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        keys.apply(object).forEach(ControllerLoop.this::enqueue);
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        if (oldObject != null) {
          keys.apply(oldObject).forEach(ControllerLoop.this::enqueue);
        }
        keys.apply(newObject).forEach(ControllerLoop.this::enqueue);
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        keys.apply(last).forEach(ControllerLoop.this::enqueue);
      }
    };
  }
}
