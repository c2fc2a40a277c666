package io.dekube.apiserver.admission.webhook;

import io.dekube.apiserver.aggregator.Aggregator;
import io.dekube.apiserver.aggregator.ApiServiceBackends;

/**
 * Webhook services resolved as the aggregator resolves APIService backends (a random ready endpoint
 * of the Service's port), failing with the words of kube's endpoint resolver. Thread-safe.
 */
public final class AggregatorServices implements ServiceResolver {

  private final Aggregator aggregator;

  public AggregatorServices(Aggregator aggregator) {
    this.aggregator = aggregator;
  }

  @Override
  public Endpoint resolve(String namespace, String name, int port) {
    ApiServiceBackends.Resolution r = aggregator.resolveService(namespace, name, port);
    if (r.resolved()) {
      return new Endpoint(r.target().host(), r.target().port());
    }
    throw new IllegalStateException(switch (r.reason()) {
      case "ServiceNotFound" -> "service \"" + name + "\" not found";
      case "ServicePortError" -> "no service port " + port + " found for service \"" + name + "\"";
      default -> "no endpoints available for service \"" + name + "\"";
    });
  }
}
