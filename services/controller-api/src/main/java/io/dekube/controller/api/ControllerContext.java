package io.dekube.controller.api;

import java.time.Clock;

/**
 * What a controller is built from, as dekube's own controllers are: typed access to any resource
 * (informer caches for reads, the store for writes), the loop over its primary resource, an event
 * recorder and the clock. Given to {@link ControllerFactory#create}; keep it for the controller's life.
 * Thread-safe.
 */
public interface ControllerContext {

  /**
   * One resource by its bus name — the plural, then the group when it has one: {@code pods},
   * {@code deployments.apps}, {@code webapps.demo.dekube.io} — read and written as {@code model}
   * ({@code Deployment.class}; {@code GenericKubernetesResource.class} for custom resources). Its
   * informer is started and synced before the controller's loop starts.
   *
   * @throws IllegalArgumentException when the cluster does not serve the resource
   */
  <T> Resource<T> resource(String resourceName, Class<T> model);

  /**
   * The loop of this controller over {@code primary}: every change of a primary object, and every
   * primary object once per resync period (the controller-manager's, 5 min), becomes a key that
   * {@code reconciler} syncs. Add more sources with the loop's {@code watch} methods, then return it
   * from {@link ControllerFactory#create}.
   */
  Loop loop(Resource<?> primary, Reconciler reconciler);

  /** The recorder of this controller's Events ({@code kubectl describe} shows them). */
  EventRecorder events();

  /** The controller's name ({@link ControllerFactory#name}), also the field manager of its writes. */
  String name();

  /** The clock for timestamps (condition transition times) and deadlines. */
  Clock clock();
}
