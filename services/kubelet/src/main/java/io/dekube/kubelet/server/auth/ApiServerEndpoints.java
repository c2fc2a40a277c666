package io.dekube.kubelet.server.auth;

import io.dekube.core.informer.Informer;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where the apiservers are, as an in-cluster client finds them: the addresses and {@code https} port
 * of the {@code default/kubernetes} Endpoints, which every apiserver keeps pointing at itself (an
 * apiserver listening on {@code 0.0.0.0} is reached at 127.0.0.1, the address its certificate names).
 * Reads the informer's cache; never blocks.
 */
public final class ApiServerEndpoints implements Supplier<List<ApiServerEndpoints.Address>> {

  /** One apiserver. */
  public record Address(String host, int port) {
  }

  private final Informer endpoints;

  public ApiServerEndpoints(Informer endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public List<Address> get() {
    var tree = endpoints.get("default", "kubernetes");
    return tree == null ? List.of() : of(io.dekube.core.model.Typed.from(tree, Endpoints.class));
  }

  /** Every address with the subset's {@code https} port (or its first one), in the Endpoints' order. */
  static List<Address> of(Endpoints ep) {
    List<Address> out = new ArrayList<>();
    for (EndpointSubset s : ep.getSubsets() == null ? List.<EndpointSubset>of() : ep.getSubsets()) {
      List<EndpointPort> ports = s.getPorts() == null ? List.of() : s.getPorts();
      EndpointPort port = ports.stream().filter(p -> "https".equals(p.getName())).findFirst()
          .orElse(ports.isEmpty() ? null : ports.get(0));
      if (port == null || port.getPort() == null) {
        continue;
      }
      for (EndpointAddress a : s.getAddresses() == null ? List.<EndpointAddress>of() : s.getAddresses()) {
        String ip = "0.0.0.0".equals(a.getIp()) ? "127.0.0.1" : a.getIp();
        out.add(new Address(ip, port.getPort()));
      }
    }
    return out;
  }
}
