package io.dekube.controller.api;

/**
 * Receives the changes of one resource's informer, for a controller that must see the kind of change
 * ({@link Loop#watch(Resource, ResourceHandler)}). A handler first gets {@link #onAdd} for every cached
 * object, then every change in store order, on the controller-manager's event loop. Handlers only
 * compute keys and enqueue them ({@link Loop#enqueue}); the objects are copies, yours to keep.
 *
 * @param <T> the resource's model class
 */
public interface ResourceHandler<T> {

  /** An object appeared (or was there when the loop started). */
  void onAdd(T object);

  /** An object changed. */
  void onUpdate(T oldObject, T newObject);

  /** An object was deleted; {@code last} is its last state. */
  void onDelete(T last);
}
