package io.dekube.controller.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Typed access to one resource, as dekube's controllers have it: synchronous reads from its informer's
 * cache, asynchronous writes to the store. Objects are fabric8 model objects ({@code Deployment}) or,
 * for custom resources, {@code GenericKubernetesResource}s; every call returns fresh copies, yours to
 * change. Writes answer the stored object, or fail with an {@link ApiException} (404 NotFound, 409
 * Conflict or AlreadyExists, 422 Invalid...) wrapped as stages wrap failures
 * ({@link ApiException#of(Throwable)} unwraps it). Stages complete on the controller-manager's event
 * loop. Thread-safe.
 *
 * @param <T> the model class
 */
public interface Resource<T> {

  /** The bus name: {@code deployments.apps}. */
  String resourceName();

  /** The {@code apiVersion} of its objects: {@code apps/v1}. */
  String apiVersion();

  /** The {@code kind} of its objects: {@code Deployment}. */
  String kind();

  /** Whether its objects live in a namespace. */
  boolean namespaced();

  /** The cached object, or null when there is none (the usual read of a sync). */
  T get(String namespace, String name);

  /** The cached object of a key, or null. */
  T get(Key key);

  /** The cached objects of a namespace ("" for every namespace, and for cluster-scoped resources). */
  List<T> list(String namespace);

  /** The cached objects of a namespace ("" = all) whose labels include every one of {@code labels}. */
  List<T> list(String namespace, Map<String, String> labels);

  /** Reads the object from the store as it is now (fails with 404 when it does not exist). */
  CompletionStage<T> read(String namespace, String name);

  /** Creates the object in its {@code metadata.namespace}. */
  CompletionStage<T> create(T obj);

  /** Replaces the object; its {@code metadata.resourceVersion}, when set, is a precondition (409 when stale). */
  CompletionStage<T> update(T obj);

  /** Replaces only the object's {@code status} (the status subresource); resourceVersion as for {@link #update}. */
  CompletionStage<T> updateStatus(T obj);

  /**
   * Patches the object. {@code patch} is in the {@code type}'s format: JSON text as a {@code String}, or
   * anything that serializes to it ({@code Map}s and {@code List}s, model objects).
   */
  CompletionStage<T> patch(String namespace, String name, PatchType type, Object patch);

  /** Patches only the object's {@code status} (the status subresource), as {@link #patch}. */
  CompletionStage<T> patchStatus(String namespace, String name, PatchType type, Object patch);

  /**
   * Server-side apply of {@code obj} (what {@code kubectl apply --server-side} sends), with this
   * controller's name as field manager, taking over conflicting fields: creates the object when it is
   * missing, else sets the fields {@code obj} sets and drops those this controller set before and no
   * longer does. The usual write of an owned object.
   */
  CompletionStage<T> apply(T obj);

  /** Deletes the object (the garbage collector deletes what it owns, in the background). */
  CompletionStage<Void> delete(String namespace, String name);
}
