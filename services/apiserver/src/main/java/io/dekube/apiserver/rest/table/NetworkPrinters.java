package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.at;
import static io.dekube.apiserver.rest.table.Cells.name;
import static io.dekube.apiserver.rest.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Tables of services, endpoints, endpointslices, ingresses, networkpolicies and ingressclasses. */
final class NetworkPrinters {

  private NetworkPrinters() {
  }

  static TablePrinter services() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Type", "type determines how the Service is exposed."),
        Column.string("Cluster-IP", "clusterIP is the IP address of the service, usually assigned randomly."),
        Column.string("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also"
            + " accept traffic for this service."),
        Column.string("Port(s)", "The list of ports that are exposed by this service."),
        Column.AGE,
        Column.wide("Selector", "Route service traffic to pods with label keys and values matching this selector.")),
        (s, now) -> {
          JsonNode ips = at(s, "spec", "clusterIPs");
          String clusterIp = ips.size() > 0 ? ips.get(0).asText() : str(s, "spec", "clusterIP");
          String ports = ports(at(s, "spec", "ports"));
          return List.of(name(s), str(s, "spec", "type"), clusterIp.isEmpty() ? "<none>" : clusterIp,
              externalIp(s), ports.isEmpty() ? "<none>" : ports, age(s, now),
              Cells.formatLabels(at(s, "spec", "selector")));
        });
  }

  private static String ports(JsonNode ports) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : ports) {
      String proto = p.path("protocol").asText("TCP");
      long node = p.path("nodePort").asLong(0);
      out.add(p.path("port").asLong() + (node > 0 ? ":" + node : "") + "/" + proto);
    }
    return String.join(",", out);
  }

  private static String externalIp(JsonNode s) {
    List<String> external = new ArrayList<>();
    at(s, "spec", "externalIPs").forEach(n -> external.add(n.asText()));
    switch (str(s, "spec", "type")) {
      case "ClusterIP", "NodePort" -> {
        return external.isEmpty() ? "<none>" : String.join(",", external);
      }
      case "LoadBalancer" -> {
        String lb = loadBalancer(at(s, "status", "loadBalancer", "ingress"));
        if (!external.isEmpty()) {
          List<String> all = new ArrayList<>();
          if (!lb.isEmpty()) {
            all.addAll(List.of(lb.split(",")));
          }
          all.addAll(external);
          return String.join(",", all);
        }
        return lb.isEmpty() ? "<pending>" : lb;
      }
      case "ExternalName" -> {
        return str(s, "spec", "externalName");
      }
      default -> {
        return "<unknown>";
      }
    }
  }

  /** The sorted, de-duplicated IPs (else hostnames) of load-balancer ingress points. */
  private static String loadBalancer(JsonNode ingress) {
    TreeSet<String> set = new TreeSet<>();
    for (JsonNode i : ingress) {
      String ip = i.path("ip").asText("");
      String host = i.path("hostname").asText("");
      if (!ip.isEmpty()) {
        set.add(ip);
      } else if (!host.isEmpty()) {
        set.add(host);
      }
    }
    return String.join(",", set);
  }

  static TablePrinter ingresses() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Class", "The name of the IngressClass resource that should be used for additional configuration"),
        Column.string("Hosts", "Hosts that incoming requests are matched against before the ingress rule"),
        Column.string("Address", "Address is a list containing ingress points for the load-balancer"),
        Column.string("Ports", "Ports of TLS configurations that open"),
        Column.AGE), (ing, now) -> {
          String cls = str(ing, "spec", "ingressClassName");
          String ports = at(ing, "spec", "tls").size() > 0 ? "80, 443" : "80";
          return List.of(name(ing), cls.isEmpty() ? "<none>" : cls, hosts(at(ing, "spec", "rules")),
              loadBalancer(at(ing, "status", "loadBalancer", "ingress")), ports, age(ing, now));
        });
  }

  private static String hosts(JsonNode rules) {
    List<String> list = new ArrayList<>();
    int max = 3;
    boolean more = false;
    for (JsonNode r : rules) {
      if (list.size() == max) {
        more = true;
      }
      String host = r.path("host").asText("");
      if (!more && !host.isEmpty()) {
        list.add(host);
      }
    }
    if (list.isEmpty()) {
      return "*";
    }
    String joined = String.join(",", list);
    return more ? joined + " + " + (rules.size() - max) + " more..." : joined;
  }

  /** kube's printer: the pod selector as {@code metav1.FormatLabelSelector} writes it ({@code <none>} when empty). */
  static TablePrinter networkPolicies() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Pod-Selector", "Selects the pods to which this NetworkPolicy object applies. The array of"
            + " ingress rules is applied to any pods selected by this field. Multiple network policies can select the"
            + " same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT"
            + " optional and follows standard label selector semantics. An empty podSelector matches all pods in this"
            + " namespace."),
        Column.AGE), (np, now) -> List.of(name(np), Cells.formatSelector(at(np, "spec", "podSelector")), age(np, now)));
  }

  static TablePrinter ingressClasses() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Controller", "Controller that is responsible for handling this class"),
        Column.string("Parameters", "A reference to a resource with additional parameters"),
        Column.AGE), (c, now) -> {
          JsonNode p = at(c, "spec", "parameters");
          String params = "<none>";
          if (p.isObject()) {
            String group = p.path("apiGroup").asText("");
            params = p.path("kind").asText("") + (group.isEmpty() ? "" : "." + group) + "/" + p.path("name").asText("");
          }
          return List.of(name(c), str(c, "spec", "controller"), params, age(c, now));
        });
  }

  static TablePrinter endpoints() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Endpoints", "The set of all endpoints is the union of all subsets."),
        Column.AGE), (e, now) -> List.of(name(e), formatEndpoints(at(e, "subsets")), age(e, now)));
  }

  /** Up to three {@code ip:port} (or bare ip for port-less subsets), then {@code + N more...}. */
  static String formatEndpoints(JsonNode subsets) {
    if (subsets.size() == 0) {
      return "<none>";
    }
    List<String> list = new ArrayList<>();
    int max = 3;
    int count = 0;
    for (JsonNode ss : subsets) {
      JsonNode addresses = ss.path("addresses");
      if (ss.path("ports").size() == 0) {
        for (JsonNode a : addresses) {
          if (list.size() < max) {
            list.add(a.path("ip").asText());
          }
          count++;
        }
        continue;
      }
      for (JsonNode port : ss.path("ports")) {
        for (JsonNode a : addresses) {
          if (list.size() < max) {
            list.add(hostPort(a.path("ip").asText(), port.path("port").asLong()));
          }
          count++;
        }
      }
    }
    String joined = String.join(",", list);
    return count > max ? joined + " + " + (count - max) + " more..." : joined;
  }

  private static String hostPort(String ip, long port) {
    return ip.contains(":") ? "[" + ip + "]:" + port : ip + ":" + port;
  }

  static TablePrinter endpointSlices() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
        Column.string("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
        Column.string("Endpoints", "endpoints is a list of unique endpoints in this slice."),
        Column.AGE), (s, now) -> {
          List<String> ports = new ArrayList<>();
          for (JsonNode p : at(s, "ports")) {
            ports.add(p.has("port") ? p.path("port").asText() : p.has("name") ? p.path("name").asText() : "*");
          }
          List<String> addresses = new ArrayList<>();
          for (JsonNode e : at(s, "endpoints")) {
            e.path("addresses").forEach(a -> addresses.add(a.asText()));
          }
          return List.of(name(s), str(s, "addressType"), withMore(ports), withMore(addresses), age(s, now));
        });
  }

  private static String withMore(List<String> all) {
    if (all.isEmpty()) {
      return "<unset>";
    }
    int max = 3;
    String joined = String.join(",", all.subList(0, Math.min(max, all.size())));
    return all.size() > max ? joined + " + " + (all.size() - max) + " more..." : joined;
  }
}
