package io.dekube.controller.api;

import java.time.Duration;
import java.util.Collection;
import java.util.function.Function;

/**
 * One controller's loop, dekube's {@code ControllerLoop}: informer handlers only turn changes into keys
 * and add them to a work queue; a key added again before it is synced is synced once; a key is never
 * synced twice at once (a key added while it syncs is synced again after); a failed sync is retried with
 * per-key exponential back-off, a successful one resets it; every primary object is synced again every
 * resync period. Built by {@link ControllerContext#loop}, configured in
 * {@link ControllerFactory#create} (the {@code watch} and {@code every} methods), started and stopped by
 * the controller-manager with its leadership. {@link #enqueue} and {@link #enqueueAfter} may be called
 * from any thread.
 */
public interface Loop {

  /** The controller's name. */
  String name();

  /**
   * Also syncs on changes of another resource: {@code keys} maps one of its objects to the primary keys
   * to sync (for an update, the old and the new object both). Call before the loop starts.
   */
  <T> Loop watch(Resource<T> resource, Function<? super T, ? extends Collection<Key>> keys);

  /**
   * Also syncs the owner of a changed object of {@code resource}: the primary object named by its
   * controller owner reference ({@code controller: true}) when that owner is of the primary's kind —
   * controller-runtime's {@code Owns}. The garbage collector then also follows these objects' owner
   * references: deleting the primary object deletes them. Call before the loop starts.
   */
  Loop watchOwned(Resource<?> resource);

  /** Also calls a handler of its own on changes of {@code resource} (it enqueues keys). Call before the loop starts. */
  <T> Loop watch(Resource<T> resource, ResourceHandler<? super T> handler);

  /** Also runs {@code task} every {@code period} while the loop runs (it enqueues keys). Before the loop starts. */
  Loop every(Duration period, Runnable task);

  /** Adds a key to sync. Idempotent while the key waits; any thread. */
  void enqueue(Key key);

  /**
   * Adds a key to sync after {@code delay} (to look again at a deadline or at something not ready yet);
   * a key already due sooner keeps its time. Any thread.
   */
  void enqueueAfter(Key key, Duration delay);
}
