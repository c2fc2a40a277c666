package io.dekube.kubelet;

import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.StoreClient;
import io.vertx.core.Vertx;

/** {@link TestBus} for the ITs of the kubelet's sub-packages. */
public final class TestBusAccess {

  private TestBusAccess() {
  }

  public static StoreClient start(Vertx vertx, String bootstrap, ResourceRegistry registry, String... namespaces)
      throws Exception {
    return TestBus.start(vertx, bootstrap, registry, namespaces);
  }
}
