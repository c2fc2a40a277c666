package io.dekube.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;

/**
 * The writes (and linearizable reads) a component makes to the store: {@link StoreClient} over the
 * bus, or {@link InMemoryStore} in unit tests. Failures are {@code StatusException}s with the
 * writer's codes (404, 409, 422...). Futures complete on the caller's Vert.x context (the
 * in-memory store completes them at once). Implementations are thread-safe.
 */
public interface StoreApi extends ObjectWrites {

  /** Reads one object as the writer has it now. */
  Future<ObjectNode> get(ResourceType t, String namespace, String name);

  /** Lists objects ({@code namespace} "" = all) as a {@code <Kind>List}. */
  Future<ObjectNode> list(ResourceType t, String namespace);
}
