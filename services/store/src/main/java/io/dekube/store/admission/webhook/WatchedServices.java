package io.dekube.store.admission.webhook;

import io.dekube.core.model.Json;
import io.dekube.core.net.ApiServiceBackends;
import io.dekube.core.net.ServiceWatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Webhook services resolved as the aggregator resolves APIService backends (a random ready endpoint
 * of the Service's port, from a {@link ServiceWatch}'s view), failing with the words of kube's
 * endpoint resolver. Thread-safe.
 */
public final class WatchedServices implements ServiceResolver {

  private final Supplier<ServiceWatch.View> view;

  /** @param view the current view of Services and their endpoints (null before the first one) */
  public WatchedServices(Supplier<ServiceWatch.View> view) {
    this.view = view;
  }

  @Override
  public Endpoint resolve(String namespace, String name, int port) {
    com.fasterxml.jackson.databind.node.ObjectNode ref = Json.object();
    ref.putObject("spec").putObject("service").put("namespace", namespace).put("name", name).put("port", port);
    ApiServiceBackends.Resolution r = ApiServiceBackends.resolve(ref, view.get(),
        n -> ThreadLocalRandom.current().nextInt(n));
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
