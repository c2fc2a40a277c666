package io.dekube.apiserver.rest.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;

/** Writes through the {@link StoreClient} (requests and replies on the bus). Thread-safe, as the client. */
public final class StoreClientStore implements ObjectStore {

  private final StoreClient client;

  public StoreClientStore(StoreClient client) {
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
