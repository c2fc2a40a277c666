package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;

/**
 * The writes (and linearizable reads) a component makes to the store: {@link StoreClient} over the
 * bus, or {@link InMemoryStore} in unit tests. Failures are {@code StatusException}s with the
 * writer's codes (404, 409, 422...). Futures complete on the caller's Vert.x context (the
 * in-memory store completes them at once). Implementations are thread-safe.
 */
public interface StoreApi {

  /** Creates an object; answers the stored object. */
  Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o);

  /** Reads one object as the writer has it now. */
  Future<ObjectNode> get(ResourceType t, String namespace, String name);

  /** Lists objects ({@code namespace} "" = all) as a {@code <Kind>List}. */
  Future<ObjectNode> list(ResourceType t, String namespace);

  /** Replaces an object; its {@code metadata.resourceVersion}, when set, is a precondition. */
  Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o);

  /** Replaces only the object's {@code .status}; {@code metadata.resourceVersion}, when set, is a precondition. */
  Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o);

  /** Patches an object atomically ({@code patchType} is the HTTP content type of the patch). */
  Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                           WriteOptions o);

  /** Deletes an object: answers it as deleted, or with deletionTimestamp set when finalizers remain. */
  Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o);
}
