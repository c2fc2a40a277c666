package io.dekube.store.admission.webhook;

/**
 * Where a webhook's {@code clientConfig.service} is reached: a ready endpoint of the Service's port,
 * as the aggregator resolves an APIService's service. Thread-safe.
 */
@FunctionalInterface
public interface ServiceResolver {

  /**
   * The address to connect to: a ready endpoint of the Service's {@code port}.
   *
   * @throws IllegalStateException with the reason (no such service, no such port, no ready endpoint)
   */
  Endpoint resolve(String namespace, String name, int port);

  /** An address to connect to. */
  record Endpoint(String host, int port) {
  }
}
