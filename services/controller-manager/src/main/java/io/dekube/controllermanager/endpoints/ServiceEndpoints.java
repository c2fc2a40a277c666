package io.dekube.controllermanager.endpoints;

import io.dekube.controllermanager.common.Pods;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The endpoints of a Service as pure data, shared by the Endpoints and EndpointSlice controllers:
 * for every selected pod with an IP, its ports (a named targetPort resolved against that pod's
 * container ports, kube's {@code FindPort}) and whether it is ready. Pure.
 */
final class ServiceEndpoints {

  /** One port of one endpoint. */
  record Port(String name, int port, String protocol, String appProtocol) {
  }

  /**
   * One pod as an endpoint: {@code ready} for the Endpoints object (the pod ready, or the Service publishes
   * not-ready addresses), {@code serving} the pod's own readiness, {@code terminating} its deletion begun.
   */
  record Endpoint(Pod pod, String ip, boolean ready, boolean serving, boolean terminating, List<Port> ports) {
  }

  private ServiceEndpoints() {
  }

  /**
   * The endpoints of the pods for a service (pods must already match its selector). A terminating pod is one when
   * {@code withTerminating} (EndpointSlices list it with its conditions, as kube's since 1.26) or when the
   * Service publishes not-ready addresses (the Endpoints object's rule).
   */
  static List<Endpoint> of(Service svc, List<Pod> pods, boolean withTerminating) {
    boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
    List<Endpoint> out = new ArrayList<>();
    for (Pod p : pods) {
      String ip = p.getStatus() == null ? null : p.getStatus().getPodIP();
      if (ip == null || ip.isEmpty()) {
        continue;
      }
      String phase = p.getStatus().getPhase();
      if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
        continue;
      }
      boolean terminating = p.getMetadata().getDeletionTimestamp() != null;
      if (terminating && !publishNotReady && !withTerminating) {
        continue;
      }
      List<Port> ports = new ArrayList<>();
      for (ServicePort sp : svc.getSpec().getPorts() == null ? List.<ServicePort>of() : svc.getSpec().getPorts()) {
        Integer port = findPort(p, sp);
        if (port != null) {
          ports.add(new Port(sp.getName(), port, sp.getProtocol() == null ? "TCP" : sp.getProtocol(), sp.getAppProtocol()));
        }
      }
      if (!ports.isEmpty() || svc.getSpec().getPorts() == null || svc.getSpec().getPorts().isEmpty()) {
        out.add(new Endpoint(p, ip, publishNotReady || Pods.ready(p), Pods.ready(p), terminating, ports));
      }
    }
    out.sort(Comparator.comparing(Endpoint::ip).thenComparing(e -> e.pod().getMetadata().getName()));
    return out;
  }

  /** kube's {@code FindPort}: a number as is; a name looked up in the pod's container ports (same protocol). */
  static Integer findPort(Pod pod, ServicePort sp) {
    IntOrString target = sp.getTargetPort();
    if (target == null) {
      return sp.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    String name = target.getStrVal();
    if (name == null || name.isEmpty()) {
      return sp.getPort();
    }
    if (name.matches("\\d+")) {
      return Integer.parseInt(name);
    }
    String protocol = sp.getProtocol() == null ? "TCP" : sp.getProtocol();
    for (Container c : pod.getSpec().getContainers()) {
      for (ContainerPort cp : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
        if (name.equals(cp.getName()) && protocol.equals(cp.getProtocol() == null ? "TCP" : cp.getProtocol())) {
          return cp.getContainerPort();
        }
      }
    }
    return null;
  }

  /** The endpoints grouped by identical port lists (kube's subsets / one slice per port set), in a stable order. */
  static Map<String, List<Endpoint>> byPorts(List<Endpoint> endpoints) {
    Map<String, List<Endpoint>> groups = new TreeMap<>();
    for (Endpoint e : endpoints) {
      List<Port> sorted = new ArrayList<>(e.ports());
      sorted.sort(Comparator.comparing((Port x) -> Objects.toString(x.name(), "")).thenComparingInt(Port::port));
      groups.computeIfAbsent(sorted.toString(), k -> new ArrayList<>()).add(e);
    }
    return groups;
  }
}
