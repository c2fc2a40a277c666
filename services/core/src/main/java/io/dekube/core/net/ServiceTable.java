package io.dekube.core.net;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Services joined with their endpoints: every port of every Service with the backends its
 * EndpointSlices list (label {@code kubernetes.io/service-name}), or its Endpoints object when it
 * has no slice; a headless Service without ports has one entry of port 0 with all its endpoints. A pure function of its inputs, as kube-proxy's service and endpoints change
 * trackers; the result is sorted by service port name so renders are stable.
 */
public final class ServiceTable {

  /** The label that ties an EndpointSlice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private ServiceTable() {
  }

  /** Every port of every Service, with its backends. */
  public static List<ServicePort> build(Collection<Service> services, Collection<EndpointSlice> slices,
      Collection<Endpoints> endpoints) {
    Map<String, List<EndpointSlice>> slicesBySvc = new HashMap<>();
    for (EndpointSlice s : slices) {
      String svc = s.getMetadata().getLabels() == null ? null : s.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
      if (svc != null) {
        slicesBySvc.computeIfAbsent(s.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>()).add(s);
      }
    }
    Map<String, Endpoints> epBySvc = new HashMap<>();
    endpoints.forEach(e -> epBySvc.put(e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(), e));
    List<ServicePort> out = new ArrayList<>();
    for (Service svc : services) {
      String key = svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName();
      List<EndpointSlice> own = slicesBySvc.getOrDefault(key, List.of());
      List<io.fabric8.kubernetes.api.model.ServicePort> ports = nonNull(svc.getSpec().getPorts());
      if (ports.isEmpty() && "None".equals(svc.getSpec().getClusterIP())) {
        // a headless Service without ports still has endpoints, port-less: the DNS names its pods
        // ("Job with Pod-to-Pod Communication"'s headless-svc); one entry of port 0 carries them
        ports = List.of(new io.fabric8.kubernetes.api.model.ServicePort());
      }
      for (io.fabric8.kubernetes.api.model.ServicePort p : ports) {
        List<Backend> backends = own.isEmpty() ? fromEndpoints(epBySvc.get(key), p) : fromSlices(own, p);
        out.add(port(svc, p, backends));
      }
    }
    out.sort(Comparator.comparing(ServicePort::servicePortName).thenComparing(ServicePort::protocol));
    return out;
  }

  private static ServicePort port(Service svc, io.fabric8.kubernetes.api.model.ServicePort p, List<Backend> backends) {
    ServiceSpec spec = svc.getSpec();
    List<String> clusterIps = new ArrayList<>();
    if (spec.getClusterIPs() != null && !spec.getClusterIPs().isEmpty()) {
      clusterIps.addAll(spec.getClusterIPs());
    } else if (spec.getClusterIP() != null && !spec.getClusterIP().isEmpty()) {
      clusterIps.add(spec.getClusterIP());
    }
    clusterIps.removeIf(ip -> ip.equals("None") || ip.isEmpty());
    List<String> lbIps = new ArrayList<>();
    if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null) {
      for (LoadBalancerIngress i : nonNull(svc.getStatus().getLoadBalancer().getIngress())) {
        if (i.getIp() != null) {
          lbIps.add(i.getIp());
        }
      }
    }
    String type = Objects.requireNonNullElse(spec.getType(), "ClusterIP");
    boolean affinity = "ClientIP".equals(spec.getSessionAffinity());
    int timeout = 10800;
    if (spec.getSessionAffinityConfig() != null && spec.getSessionAffinityConfig().getClientIP() != null
        && spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds() != null) {
      timeout = spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
    }
    return new ServicePort(svc.getMetadata().getNamespace(), svc.getMetadata().getName(),
        Objects.requireNonNullElse(p.getName(), ""), Objects.requireNonNullElse(p.getProtocol(), "TCP"),
        p.getPort() == null ? 0 : p.getPort(), p.getNodePort() == null ? 0 : p.getNodePort(), type,
        List.copyOf(clusterIps), List.copyOf(lbIps), List.copyOf(nonNull(spec.getExternalIPs())), affinity, timeout,
        "Local".equals(spec.getExternalTrafficPolicy()), "Local".equals(spec.getInternalTrafficPolicy()),
        List.copyOf(backends), spec.getHealthCheckNodePort() == null ? 0 : spec.getHealthCheckNodePort());
  }

  private static List<Backend> fromSlices(List<EndpointSlice> slices, io.fabric8.kubernetes.api.model.ServicePort p) {
    String name = Objects.requireNonNullElse(p.getName(), "");
    String proto = Objects.requireNonNullElse(p.getProtocol(), "TCP");
    Map<String, Backend> byAddress = new LinkedHashMap<>();
    for (EndpointSlice s : slices) {
      if (s.getAddressType() != null && !s.getAddressType().equals("IPv4")) {
        continue;
      }
      for (io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort ep : portless(p) ? List.of(PORTLESS_SLICE)
          : nonNull(s.getPorts())) {
        if (ep != PORTLESS_SLICE && (!Objects.requireNonNullElse(ep.getName(), "").equals(name)
            || !Objects.requireNonNullElse(ep.getProtocol(), "TCP").equals(proto) || ep.getPort() == null)) {
          continue;
        }
        for (Endpoint e : nonNull(s.getEndpoints())) {
          boolean ready = e.getConditions() == null || e.getConditions().getReady() == null
              || e.getConditions().getReady();
          boolean serving = e.getConditions() == null || e.getConditions().getServing() == null ? ready
              : e.getConditions().getServing();
          boolean terminating = e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getTerminating());
          String pod = e.getTargetRef() == null ? "" : Objects.requireNonNullElse(e.getTargetRef().getName(), "");
          for (String ip : nonNull(e.getAddresses())) {
            Backend b = new Backend(ip, ep == PORTLESS_SLICE ? 0 : ep.getPort(), ready, Objects.requireNonNullElse(e.getNodeName(), ""),
                Objects.requireNonNullElse(e.getHostname(), ""), pod, serving, terminating);
            byAddress.merge(b.address(), b, (x, y) -> x.ready() ? x : y);
          }
        }
      }
    }
    return sorted(byAddress.values());
  }

  private static List<Backend> fromEndpoints(Endpoints ep, io.fabric8.kubernetes.api.model.ServicePort p) {
    if (ep == null) {
      return List.of();
    }
    String name = Objects.requireNonNullElse(p.getName(), "");
    List<Backend> out = new ArrayList<>();
    for (EndpointSubset subset : nonNull(ep.getSubsets())) {
      if (portless(p)) {
        addAll(out, subset.getAddresses(), 0, true);
        addAll(out, subset.getNotReadyAddresses(), 0, false);
        continue;
      }
      for (EndpointPort port : nonNull(subset.getPorts())) {
        if (!Objects.requireNonNullElse(port.getName(), "").equals(name) || port.getPort() == null) {
          continue;
        }
        addAll(out, subset.getAddresses(), port.getPort(), true);
        addAll(out, subset.getNotReadyAddresses(), port.getPort(), false);
      }
    }
    return sorted(out);
  }

  private static void addAll(List<Backend> out, List<EndpointAddress> addresses, int port, boolean ready) {
    for (EndpointAddress a : nonNull(addresses)) {
      String pod = a.getTargetRef() == null ? "" : Objects.requireNonNullElse(a.getTargetRef().getName(), "");
      out.add(new Backend(a.getIp(), port, ready, Objects.requireNonNullElse(a.getNodeName(), ""),
          Objects.requireNonNullElse(a.getHostname(), ""), pod));
    }
  }

  /** The one port of a port-less headless Service's endpoints (every endpoint, port 0). */
  private static final io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort PORTLESS_SLICE =
      new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort();

  private static boolean portless(io.fabric8.kubernetes.api.model.ServicePort p) {
    return p.getPort() == null;
  }

  private static List<Backend> sorted(Collection<Backend> backends) {
    List<Backend> list = new ArrayList<>(backends);
    list.sort(Comparator.comparing((Backend b) -> Ipv4.isIpv4(b.ip()) ? Integer.toUnsignedLong(Ipv4.toInt(b.ip())) : 0L)
        .thenComparing(Backend::ip).thenComparingInt(Backend::port));
    return list;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
