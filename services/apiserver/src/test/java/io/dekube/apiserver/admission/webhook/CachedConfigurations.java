package io.dekube.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.store.admission.webhook.ConfigurationSource;
import io.vertx.core.Future;
import java.util.List;

/** Webhook configurations (or policies) read from a memory backend's cache, for tests. */
public final class CachedConfigurations {

  private CachedConfigurations() {
  }

  /** The configurations {@code cache} holds. */
  public static ConfigurationSource of(ObjectCache cache) {
    return new ConfigurationSource() {
      @Override
      public Future<Void> start() {
        return cache.start();
      }

      @Override
      public long resourceVersion() {
        return cache.resourceVersion();
      }

      @Override
      public List<ObjectNode> items() {
        return cache.snapshot(o -> true).items();
      }
    };
  }
}
