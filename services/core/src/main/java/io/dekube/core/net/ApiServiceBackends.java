package io.dekube.core.net;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import io.dekube.core.net.ServiceWatch;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * Where the requests of a non-local APIService go: its Service's port ({@code spec.service.port}) at the
 * Service's ClusterIP (kube's default), or resolved through the Service's EndpointSlices (or Endpoints) to one
 * ready address and port, as kube-aggregator's endpoint routing does; an ExternalName Service goes to its
 * external name.
 * When that is not possible, the reason and message kube-aggregator's availability controller
 * writes. Pure.
 */
public final class ApiServiceBackends {

  /** Where to send: connect to {@code host:port}, verify the certificate for {@code serverName}. */
  public record Target(String host, int port, String serverName) {
    /** {@code https://host:port}. */
    public String url() {
      return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** The resolution: a target, or why there is none (reason and message of the Available condition). */
  public record Resolution(Target target, String reason, String message) {
    public boolean resolved() {
      return target != null;
    }
  }

  private ApiServiceBackends() {
  }

  /**
   * Resolves {@code apiService}'s service in {@code view} to a ready endpoint; {@code pick} chooses among {@code n}
   * ready addresses (a random one, as kube's resolver does): kube-apiserver's {@code --enable-aggregator-routing}.
   */
  public static Resolution resolve(JsonNode apiService, ServiceWatch.View view, IntUnaryOperator pick) {
    return resolve(apiService, view, pick, true);
  }

  /**
   * Resolves {@code apiService}'s service in {@code view}, after kube-aggregator's availability checks of the Service
   * and its endpoints: with {@code toEndpoints} to a ready endpoint ({@code pick} chooses among {@code n}), else, kube's
   * default, to the Service's ClusterIP and port (kube's {@code ResolveCluster}: a headless Service is
   * {@code FailedDiscoveryCheck} with its error, as kube's discovery check reports it), which kube-proxy serves.
   */
  public static Resolution resolve(JsonNode apiService, ServiceWatch.View view, IntUnaryOperator pick,
                                   boolean toEndpoints) {
    JsonNode ref = apiService.path("spec").path("service");
    String namespace = ref.path("namespace").asText("");
    String name = ref.path("name").asText("");
    int port = ref.path("port").asInt(443);
    Optional<Service> service = view == null ? Optional.empty() : view.services().stream()
        .filter(s -> namespace.equals(s.getMetadata().getNamespace()) && name.equals(s.getMetadata().getName()))
        .findFirst();
    if (service.isEmpty()) {
      return failed("ServiceNotFound", "service/" + name + " in \"" + namespace + "\" is not present");
    }
    String serverName = name + "." + namespace + ".svc";
    if ("ExternalName".equals(service.get().getSpec().getType())) {
      return new Resolution(new Target(service.get().getSpec().getExternalName(), port, serverName), null, null);
    }
    Optional<ServicePort> servicePort = view.ports().stream()
        .filter(p -> namespace.equals(p.namespace()) && name.equals(p.name()) && p.port() == port).findFirst();
    if (servicePort.isEmpty()) {
      return failed("ServicePortError", "service/" + name + " in \"" + namespace + "\" is not listening on port "
          + port);
    }
    if (!view.hasEndpointsObject(namespace, name)) {
      return failed("EndpointsNotFound", "cannot find endpoints for service/" + name + " in \"" + namespace + "\"");
    }
    List<Backend> ready = servicePort.get().readyBackends();
    if (ready.isEmpty()) {
      return failed("MissingEndpoints", "endpoints for service/" + name + " in \"" + namespace
          + "\" have no addresses with port name \"" + servicePort.get().portName() + "\"");
    }
    if (!toEndpoints) {
      String clusterIp = service.get().getSpec().getClusterIP();
      if (clusterIp == null || clusterIp.isEmpty() || clusterIp.equals("None")) {
        return failed("FailedDiscoveryCheck", "cannot route to service with ClusterIP \"None\"");
      }
      return new Resolution(new Target(clusterIp, port, serverName), null, null);
    }
    Backend b = ready.get(Math.floorMod(pick.applyAsInt(ready.size()), ready.size()));
    return new Resolution(new Target(b.ip(), b.port(), serverName), null, null);
  }

  private static Resolution failed(String reason, String message) {
    return new Resolution(null, reason, message);
  }

  /** Whether an APIService is served by the apiserver itself (no {@code spec.service}). */
  public static boolean local(JsonNode apiService) {
    return !apiService.path("spec").path("service").isObject();
  }
}
