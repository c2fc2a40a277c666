package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;

/**
 * The writes of one object: what {@link StoreApi} and the apiserver's store have in common.
 * Failures are {@code StatusException}s with the writer's codes (404, 409, 422...). Implementations
 * are thread-safe.
 */
public interface ObjectWrites {

  /** Creates an object; answers the stored object. */
  Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o);

  /** Replaces an object; its {@code metadata.resourceVersion}, when set, is a precondition. */
  Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o);

  /** Replaces only the object's {@code .status}; {@code metadata.resourceVersion}, when set, is a precondition. */
  Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o);

  /**
   * Patches an object atomically ({@code patchType} is the HTTP content type of the patch;
   * {@code o.subresource()} {@code status} patches only the status, {@code binding} binds a pod).
   */
  Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                           WriteOptions o);

  /** Deletes an object: answers it as deleted, or with deletionTimestamp set when finalizers remain. */
  Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o);
}
