package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.vertx.core.Future;
import java.util.List;

/**
 * The stored webhook configurations of one kind (Validating- or MutatingWebhookConfigurations), as a
 * cache holds them: an informer in a cluster. Reads may come from any thread.
 */
public interface ConfigurationSource {

  /** Starts the cache; completes once it replayed the store. Idempotent. */
  Future<Void> start();

  /** Changes whenever {@link #items} may have changed. */
  long resourceVersion();

  /** Every configuration, as stored (to be treated as immutable). */
  List<ObjectNode> items();

  /** The configurations an informer holds. */
  static ConfigurationSource of(Informer informer) {
    return new ConfigurationSource() {
      @Override
      public Future<Void> start() {
        return informer.start();
      }

      @Override
      public long resourceVersion() {
        return informer.resourceVersion();
      }

      @Override
      public List<ObjectNode> items() {
        return informer.list();
      }
    };
  }
}
