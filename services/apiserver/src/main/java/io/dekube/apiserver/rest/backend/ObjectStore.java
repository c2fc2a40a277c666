package io.dekube.apiserver.rest.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;

/**
 * The writes the REST API makes: the {@code StoreClient} surface it uses, as an interface so
 * handlers can be tested without Kafka. Every future fails with a {@code StatusException}
 * carrying the Kubernetes Status (404, 409, 422...). Thread-safe.
 */
public interface ObjectStore {

  /** Creates; completes with the created object (with its resourceVersion). */
  Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o);

  /** Replaces; {@code metadata.resourceVersion}, when set, is a precondition. */
  Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o);

  /** Replaces only the status. */
  Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o);

  /** Patches atomically against the current object ({@code o.subresource() == "status"}: only the status). */
  Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                           WriteOptions o);

  /** Deletes; completes with the object as deleted, or as marked for deletion when finalizers remain. */
  Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o);
}
