package io.dekube.dns;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ClusterNetwork;
import io.dekube.core.net.Ipv4;
import io.dekube.core.net.ServicePort;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The records of {@code cluster.local} as the Kubernetes DNS specification names them, built from
 * Services and their endpoints: service A records (ClusterIP, or the ready endpoints of a headless
 * Service), endpoint hostnames of headless Services, SRV per named port, ExternalName CNAMEs and PTR
 * for service and endpoint IPs. Names are lower case, without the trailing dot. Immutable.
 */
public final class ClusterRecords {

  /** One SRV answer. */
  public record Srv(int port, String target) {
  }

  private final String domain;
  private final Map<String, List<String>> a = new HashMap<>();
  private final Map<String, String> cname = new HashMap<>();
  private final Map<String, List<Srv>> srv = new HashMap<>();
  private final Map<String, String> ptr = new HashMap<>();
  private final Set<String> names = new LinkedHashSet<>();

  private ClusterRecords(String domain) {
    this.domain = domain;
  }

  /** No records at all. */
  public static ClusterRecords empty() {
    return new ClusterRecords(ClusterNetwork.CLUSTER_DOMAIN);
  }

  /** The records of these Services and ports. */
  public static ClusterRecords of(List<Service> services, List<ServicePort> ports) {
    ClusterRecords r = new ClusterRecords(ClusterNetwork.CLUSTER_DOMAIN);
    Map<String, List<ServicePort>> portsBySvc = new HashMap<>();
    ports.forEach(p -> portsBySvc.computeIfAbsent(p.namespace() + "/" + p.name(), k -> new ArrayList<>()).add(p));
    for (Service s : services) {
      String ns = s.getMetadata().getNamespace();
      String name = s.getMetadata().getName();
      r.service(s, ns, name, portsBySvc.getOrDefault(ns + "/" + name, List.of()));
    }
    return r;
  }

  private void service(Service s, String ns, String name, List<ServicePort> ports) {
    String fqdn = name + "." + ns + ".svc." + domain;
    addName(fqdn);
    if ("ExternalName".equals(s.getSpec().getType())) {
      if (s.getSpec().getExternalName() != null) {
        cname.put(fqdn, s.getSpec().getExternalName().toLowerCase(Locale.ROOT).replaceAll("\\.$", ""));
      }
      return;
    }
    String clusterIp = s.getSpec().getClusterIP();
    boolean headless = clusterIp == null || clusterIp.isEmpty() || clusterIp.equals("None");
    if (!headless) {
      a.computeIfAbsent(fqdn, k -> new ArrayList<>()).add(clusterIp);
      ptr.put(clusterIp, fqdn);
    }
    Map<String, Backend> endpoints = new java.util.TreeMap<>();
    for (ServicePort p : ports) {
      p.readyBackends().forEach(b -> endpoints.putIfAbsent(b.ip(), b));
    }
    for (Backend b : endpoints.values()) {
      String host = (b.hostname().isEmpty() ? b.ip().replace('.', '-') : b.hostname()) + "." + fqdn;
      if (headless) {
        a.computeIfAbsent(fqdn, k -> new ArrayList<>()).add(b.ip());
        a.computeIfAbsent(host, k -> new ArrayList<>()).add(b.ip());
        addName(host);
        ptr.putIfAbsent(b.ip(), host);
      }
    }
    for (ServicePort p : ports) {
      if (p.portName().isEmpty()) {
        continue;
      }
      String srvName = "_" + p.portName() + "._" + p.protocol().toLowerCase(Locale.ROOT) + "." + fqdn;
      addName(srvName);
      List<Srv> answers = srv.computeIfAbsent(srvName, k -> new ArrayList<>());
      if (headless) {
        for (Backend b : p.readyBackends()) {
          answers.add(new Srv(b.port(), (b.hostname().isEmpty() ? b.ip().replace('.', '-') : b.hostname()) + "."
              + fqdn));
        }
      } else {
        answers.add(new Srv(p.port(), fqdn));
      }
    }
  }

  private void addName(String name) {
    // every parent up to the zone exists too (an empty non-terminal answers NODATA, not NXDOMAIN)
    for (String n = name; n.endsWith(domain) && names.add(n) && !n.equals(domain); n = n.substring(n.indexOf('.') + 1)) {
      // walk up
    }
  }

  /** The cluster domain. */
  public String domain() {
    return domain;
  }

  /** A records of a name (service, headless endpoint or pod name); empty when none. */
  public List<String> a(String name) {
    List<String> direct = a.get(name);
    if (direct != null) {
      return direct;
    }
    String pod = podIp(name);
    return pod == null ? List.of() : List.of(pod);
  }

  /** The CNAME target of an ExternalName Service, or null. */
  public String cname(String name) {
    return cname.get(name);
  }

  /** SRV answers of a name; empty when none. */
  public List<Srv> srv(String name) {
    return srv.getOrDefault(name, List.of());
  }

  /** The name of an IP (service or endpoint), or null. */
  public String ptr(String ip) {
    return ptr.get(ip);
  }

  /** Whether the name exists in the zone (with or without records of a given type). */
  public boolean exists(String name) {
    return names.contains(name) || name.equals(domain) || podIp(name) != null
        || name.equals("svc." + domain) || name.equals("pod." + domain);
  }

  /** {@code a-b-c-d.<ns>.pod.cluster.local} → {@code a.b.c.d} (kube-dns' "pods insecure" mode), else null. */
  String podIp(String name) {
    String suffix = ".pod." + domain;
    if (!name.endsWith(suffix)) {
      return null;
    }
    String[] labels = name.substring(0, name.length() - suffix.length()).split("\\.");
    if (labels.length != 2) {
      return null;
    }
    String ip = labels[0].replace('-', '.');
    return Ipv4.isIpv4(ip) ? ip : null;
  }
}
