package io.dekube.kubelet.pod;

import io.dekube.core.net.ClusterNetwork;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A pod's resolver settings as the kubelet's DNS configurer makes them: the policy's base — the cluster DNS
 * for {@code ClusterFirst} (a {@code hostNetwork} pod's {@code ClusterFirst} is {@code Default}, as in kube)
 * and {@code ClusterFirstWithHostNet}, the node's {@code /etc/resolv.conf} for {@code Default}, nothing for
 * {@code None} — then {@code dnsConfig}: its nameservers and searches added after the base's, duplicates
 * dropped (at most 3 nameservers, 32 searches), its options replacing the base's of the same name. Rendered
 * as the {@code DEKUBE_DNS_*} environment the runtimes read ({@link #env}). Pure.
 */
public record PodDns(List<String> nameservers, List<String> searches, List<String> options) {

  /** No settings: the node's resolver file is the pod's. */
  static final PodDns NODE = new PodDns(null, null, null);

  /** The settings of {@code pod}, with the cluster DNS at {@code dnsIp} and the node's resolver file as {@code node} reads it. */
  public static PodDns of(Pod pod, String dnsIp, java.util.function.Supplier<String> node) {
    var spec = pod.getSpec();
    String policy = spec.getDnsPolicy() == null ? "ClusterFirst" : spec.getDnsPolicy();
    boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
    if (policy.equals("ClusterFirst") && hostNetwork) {
      policy = "Default";
    }
    PodDns base = switch (policy) {
      case "ClusterFirst", "ClusterFirstWithHostNet" -> new PodDns(List.of(dnsIp),
          ClusterNetwork.searchPath(pod.getMetadata().getNamespace()), List.of("ndots:" + ClusterNetwork.NDOTS));
      case "None" -> new PodDns(List.of(), List.of(), List.of());
      default -> NODE;
    };
    PodDNSConfig extra = spec.getDnsConfig();
    if (extra == null) {
      return base;
    }
    if (base.nameservers() == null) {
      base = parse(node.get());
    }
    return new PodDns(merged(base.nameservers(), extra.getNameservers(), 3),
        merged(base.searches(), extra.getSearches(), 32), options(base.options(), extra.getOptions()));
  }

  /** The node's {@code /etc/resolv.conf} (read when a Default-policy pod has a dnsConfig; "" when unreadable). */
  public static String nodeResolvConf() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/etc/resolv.conf"));
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** A resolver file's settings (its {@code nameserver}, {@code search}/{@code domain} and {@code options} lines). */
  public static PodDns parse(String resolvConf) {
    List<String> servers = new ArrayList<>();
    List<String> searches = new ArrayList<>();
    List<String> options = new ArrayList<>();
    for (String line : resolvConf.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length < 2 || f[0].startsWith("#") || f[0].startsWith(";")) {
        continue;
      }
      List<String> rest = List.of(f).subList(1, f.length);
      switch (f[0]) {
        case "nameserver" -> servers.add(f[1]);
        case "search", "domain" -> {
          searches.clear();
          searches.addAll(rest);
        }
        case "options" -> options.addAll(rest);
        default -> { }
      }
    }
    return new PodDns(servers, searches, options);
  }

  private static List<String> merged(List<String> base, List<String> added, int most) {
    LinkedHashSet<String> all = new LinkedHashSet<>(base);
    if (added != null) {
      all.addAll(added);
    }
    return all.stream().limit(most).toList();
  }

  private static List<String> options(List<String> base, List<PodDNSConfigOption> added) {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String o : base) {
      int colon = o.indexOf(':');
      byName.put(colon < 0 ? o : o.substring(0, colon), colon < 0 ? "" : o.substring(colon + 1));
    }
    if (added != null) {
      for (PodDNSConfigOption o : added) {
        byName.put(o.getName(), o.getValue() == null ? "" : o.getValue());
      }
    }
    List<String> out = new ArrayList<>();
    byName.forEach((name, value) -> out.add(value.isEmpty() ? name : name + ":" + value));
    return out;
  }

  /**
   * The environment the runtimes read: {@code DEKUBE_DNS_SERVER} (the nameservers, space-separated; the first is
   * asked), {@code DEKUBE_DNS_PORT} (the cluster DNS's port; other servers are asked on 53),
   * {@code DEKUBE_DNS_SEARCH}, {@code DEKUBE_DNS_NDOTS} (1 when no option says, as the resolver's default) and
   * {@code DEKUBE_DNS_OPTIONS}; none when the node's file is the pod's.
   */
  public Map<String, String> env(int clusterDnsPort) {
    Map<String, String> env = new LinkedHashMap<>();
    if (nameservers == null) {
      return env;
    }
    env.put("DEKUBE_DNS_SERVER", String.join(" ", nameservers));
    env.put("DEKUBE_DNS_PORT", Integer.toString(clusterDnsPort));
    env.put("DEKUBE_DNS_SEARCH", String.join(" ", searches));
    env.put("DEKUBE_DNS_NDOTS", options.stream().filter(o -> o.startsWith("ndots:")).reduce((a, b) -> b)
        .map(o -> o.substring("ndots:".length())).orElse("1"));
    env.put("DEKUBE_DNS_OPTIONS", String.join(" ", options));
    return env;
  }
}
