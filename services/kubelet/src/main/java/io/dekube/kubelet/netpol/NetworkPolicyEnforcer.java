package io.dekube.kubelet.netpol;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.Typed;
import io.dekube.core.net.Ipv4;
import io.dekube.kubelet.netpol.NetworkPolicyMatcher.Peer;
import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.TrafficPolicy;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's NetworkPolicy enforcement for its {@code jvm} containers: each connection's ends are looked up
 * in the process's informers (the container's own pod by name; the other end by its IP, with its namespace's
 * labels; a loopback address outside the nodes' pod CIDRs is the node; the cluster DNS Service
 * {@code kube-system/kube-dns} stands for CoreDNS pods labelled {@code k8s-app: kube-dns}) and decided by
 * {@link NetworkPolicyMatcher}. No policy in the cluster: everything passes without a look-up. Thread-safe; reads caches only, its futures complete on the caller's context.
 */
public final class NetworkPolicyEnforcer implements TrafficPolicy {

  static final String POD_IP = "status.podIP";
  static final String CLUSTER_IP = "spec.clusterIP";
  private static final String NAME_LABEL = "kubernetes.io/metadata.name";

  private final Informer policies;
  private final Informer pods;
  private final Informer namespaces;
  private final Informer services;
  private final Informer nodes;
  private final Vertx vertx;
  private final String fallbackPodCidr;
  private volatile Cached cached = new Cached(-2, List.of());

  private record Cached(long resourceVersion, List<NetworkPolicy> policies) {
  }

  /** The process's informers it reads. */
  public record Informers(Informer policies, Informer pods, Informer namespaces, Informer services, Informer nodes) {
  }

  /** How long a connection from an unknown address of a pod CIDR waits for its pod to appear. */
  static final long POD_WAIT_MS = 3_000;
  private static final long POLL_MS = 50;

  /**
   * Adds the pod-IP and ClusterIP indexes it reads to the (shared) informers.
   *
   * @param fallbackPodCidr this node's pod CIDR until node IPAM writes {@code spec.podCIDR}
   */
  public NetworkPolicyEnforcer(Vertx vertx, Informers informers, String fallbackPodCidr) {
    this.vertx = vertx;
    this.fallbackPodCidr = fallbackPodCidr;
    this.policies = informers.policies();
    this.pods = informers.pods();
    this.namespaces = informers.namespaces();
    this.services = informers.services();
    this.nodes = informers.nodes();
    pods.addIndex(POD_IP, pod -> {
      String ip = pod.path("status").path("podIP").asText("");
      return ip.isEmpty() ? List.of() : List.of(ip);
    });
    services.addIndex(CLUSTER_IP, svc -> {
      String ip = svc.path("spec").path("clusterIP").asText("");
      return ip.isEmpty() || ip.equals("None") ? List.of() : List.of(ip);
    });
  }

  @Override
  public Future<Boolean> admits(String fromIp, ContainerSpec pod, int port, String protocol) {
    Peer to = policies.size() == 0 ? null : self(pod);
    if (to == null) {
      return Future.succeededFuture(true);
    }
    return peer(fromIp).map(from -> matcher().allows(from, to, port, protocol));
  }

  @Override
  public Future<Boolean> letsOut(ContainerSpec pod, String toIp, int port, String protocol) {
    Peer from = policies.size() == 0 ? null : self(pod);
    if (from == null) {
      return Future.succeededFuture(true);
    }
    List<ObjectNode> svc = services.byIndex(CLUSTER_IP, toIp);
    if (!svc.isEmpty()) {
      ObjectNode s = svc.get(0);
      boolean dns = "kube-system".equals(s.path("metadata").path("namespace").asText())
          && "kube-dns".equals(s.path("metadata").path("name").asText());
      // any other Service: decided by the pod it sends the connection to
      return Future.succeededFuture(!dns || matcher().egressAllows(from, dnsPeer(toIp), port, protocol));
    }
    return peer(toIp).map(to -> matcher().egressAllows(from, to, port, protocol));
  }

  /** The policies as typed objects, converted again only when the informer moved on. */
  private NetworkPolicyMatcher matcher() {
    Cached c = cached;
    long rv = policies.resourceVersion();
    if (c.resourceVersion() != rv) {
      List<NetworkPolicy> typed = new ArrayList<>();
      for (ObjectNode np : policies.list()) {
        typed.add(Typed.from(np, NetworkPolicy.class));
      }
      c = new Cached(rv, List.copyOf(typed));
      cached = c;
    }
    return new NetworkPolicyMatcher(c.policies());
  }

  /** The container's own pod, by name (its IP may not be in its status yet); null when it is not known. */
  private Peer self(ContainerSpec c) {
    ObjectNode found = pods.get(c.namespace(), c.podName());
    if (found == null) {
      return null;
    }
    Pod pod = Typed.from(found, Pod.class);
    return Peer.pod(c.podIp(), pod, namespaceLabels(pod.getMetadata().getNamespace()));
  }

  /**
   * The other end of a connection: the pod at {@code ip}, the node for other loopback addresses, else a bare
   * address. An address of a node's pod CIDR that no pod has yet is waited for up to {@link #POD_WAIT_MS}: a pod
   * connects as soon as it starts, before the informers hold the status with its IP.
   */
  private Future<Peer> peer(String ip) {
    Peer known = known(ip);
    if (known != null) {
      return Future.succeededFuture(known);
    }
    if (!inPodCidr(ip)) {
      return Future.succeededFuture(ip.startsWith("127.") ? Peer.node(ip) : Peer.address(ip));
    }
    Promise<Peer> p = Promise.promise();
    long deadline = System.nanoTime() + POD_WAIT_MS * 1_000_000;
    vertx.setPeriodic(POLL_MS, id -> {
      Peer now = known(ip);
      if (now != null || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        p.tryComplete(now != null ? now : Peer.address(ip));
      }
    });
    return p.future();
  }

  /** The pod holding {@code ip} (a running one before ended ones), or null. */
  private Peer known(String ip) {
    ObjectNode found = null;
    for (ObjectNode p : pods.byIndex(POD_IP, ip)) {
      String phase = p.path("status").path("phase").asText("");
      if (found == null || !phase.equals("Succeeded") && !phase.equals("Failed")) {
        found = p;
      }
    }
    if (found == null) {
      return null;
    }
    Pod pod = Typed.from(found, Pod.class);
    return Peer.pod(ip, pod, namespaceLabels(pod.getMetadata().getNamespace()));
  }

  /** Whether the address lies in a node's pod CIDR (or this node's own until node IPAM gives it one). */
  private boolean inPodCidr(String ip) {
    if (!Ipv4.isIpv4(ip)) {
      return false;
    }
    List<String> cidrs = new ArrayList<>(List.of(fallbackPodCidr));
    for (ObjectNode n : nodes.list()) {
      cidrs.add(n.path("spec").path("podCIDR").asText(""));
    }
    for (String cidr : cidrs) {
      try {
        if (!cidr.isEmpty() && Ipv4.Cidr.parse(cidr).contains(ip)) {
          return true;
        }
      } catch (IllegalArgumentException e) {
        // not an IPv4 block
      }
    }
    return false;
  }

  private Map<String, String> namespaceLabels(String namespace) {
    Map<String, String> labels = new HashMap<>(LabelSelector.labelsOf(namespaces.get("", namespace)));
    labels.putIfAbsent(NAME_LABEL, namespace);
    return labels;
  }

  /** The cluster DNS as the CoreDNS pods of a kubeadm cluster look to a policy: 53/UDP "dns", 53/TCP "dns-tcp". */
  private Peer dnsPeer(String ip) {
    Pod coredns = new PodBuilder().withNewMetadata().withName("coredns").withNamespace("kube-system")
        .withLabels(Map.of("k8s-app", "kube-dns")).endMetadata()
        .withNewSpec().addNewContainer().withName("coredns")
        .addNewPort().withName("dns").withContainerPort(53).withProtocol("UDP").endPort()
        .addNewPort().withName("dns-tcp").withContainerPort(53).withProtocol("TCP").endPort()
        .endContainer().endSpec().build();
    return Peer.pod(ip, coredns, namespaceLabels("kube-system"));
  }
}
