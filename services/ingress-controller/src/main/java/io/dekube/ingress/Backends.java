package io.dekube.ingress;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ready endpoints behind each Service port, and a round-robin pick among them for each new
 * request. Replaced as a whole when Services or endpoints change; the counters survive.
 * Event-loop confined.
 */
final class Backends {

  /**
   * What a route resolves to: the ready endpoints in the order to try them (the round-robin pick
   * first, then the others, for a retry on another endpoint), or why there is none (the 503's body).
   */
  record Pick(List<Backend> order, String problem) {
    /** The endpoint to try first; null when there is none. */
    Backend backend() {
      return order.isEmpty() ? null : order.get(0);
    }
  }

  private Map<String, List<ServicePort>> bySvc = Map.of();
  private final Map<String, Integer> next = new HashMap<>();

  void update(List<ServicePort> ports) {
    Map<String, List<ServicePort>> m = new HashMap<>();
    for (ServicePort p : ports) {
      m.computeIfAbsent(p.namespace() + "/" + p.name(), k -> new java.util.ArrayList<>()).add(p);
    }
    bySvc = m;
  }

  Pick pick(IngressRoutes.Route route) {
    if (route.service() == null) {
      return new Pick(List.of(), "ingress " + route.namespace() + "/" + route.ingress() + " has a backend this controller"
          + " does not serve (only Service backends are)");
    }
    String svc = route.namespace() + "/" + route.service();
    List<ServicePort> ports = bySvc.get(svc);
    if (ports == null) {
      return new Pick(List.of(), "service " + svc + " does not exist (ingress " + route.namespace() + "/" + route.ingress()
          + ")");
    }
    ServicePort port = ports.stream().filter(p -> route.portNumber() > 0 ? p.port() == route.portNumber()
        : p.portName().equals(route.portName())).findFirst().orElse(null);
    String portText = route.portNumber() > 0 ? Integer.toString(route.portNumber()) : route.portName();
    if (port == null) {
      return new Pick(List.of(), "service " + svc + " has no port " + portText);
    }
    List<Backend> ready = port.readyBackends();
    if (ready.isEmpty()) {
      return new Pick(List.of(), "service " + svc + ":" + portText + " has no ready endpoints");
    }
    String key = svc + ":" + portText;
    int first = Math.floorMod(next.merge(key, 1, Integer::sum) - 1, ready.size());
    List<Backend> order = new java.util.ArrayList<>(ready.size());
    for (int i = 0; i < ready.size(); i++) {
      order.add(ready.get((first + i) % ready.size()));
    }
    return new Pick(order, null);
  }
}
