package io.dekube.apiserver.rest.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;

/**
 * Writes through a {@link StoreApi}: the {@link io.dekube.core.store.StoreClient} (requests and replies on the bus),
 * or a store that admits each write first. Thread-safe, as the client.
 */
public final class StoreClientStore implements ObjectStore {

  private final StoreApi client;

  public StoreClientStore(StoreApi client) {
    this.client = client;
  }

  @Override
  public Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o) {
    return client.create(t, namespace, obj, o);
  }

  @Override
  public Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o) {
    return client.update(t, obj, o);
  }

  @Override
  public Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o) {
    return client.updateStatus(t, obj, o);
  }

  @Override
  public Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                                  WriteOptions o) {
    return client.patch(t, namespace, name, patchType, patch, o);
  }

  @Override
  public Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o) {
    return client.delete(t, namespace, name, o);
  }
}
