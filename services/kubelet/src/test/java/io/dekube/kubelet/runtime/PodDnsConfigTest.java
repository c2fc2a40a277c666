package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.kubelet.pod.PodDns;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigBuilder;
import io.fabric8.kubernetes.api.model.PodDNSConfigOptionBuilder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A pod's /etc/resolv.conf from its dnsPolicy and dnsConfig, as "DNS for Services and Pods" shows it. */
class PodDnsConfigTest {

  private static final String NODE = "# the node's\nnameserver 10.0.0.2\nsearch corp.example\noptions timeout:2\n";

  private static Pod pod(String policy, boolean hostNetwork, boolean withConfig) {
    var spec = new PodBuilder().withNewMetadata().withName("dns-example").withNamespace("default").endMetadata()
        .withNewSpec().withDnsPolicy(policy).withHostNetwork(hostNetwork).withNodeName("kube-node-01")
        .addNewContainer().withName("test").withImage("nginx").endContainer();
    if (withConfig) {
      spec.withDnsConfig(new PodDNSConfigBuilder().withNameservers("192.0.2.1")
          .withSearches("ns1.svc.cluster-domain.example", "my.dns.search.suffix")
          .withOptions(new PodDNSConfigOptionBuilder().withName("ndots").withValue("2").build(),
              new PodDNSConfigOptionBuilder().withName("edns0").build()).build());
    }
    return spec.endSpec().build();
  }

  private static String resolvConf(Pod pod) {
    Map<String, String> env = new HashMap<>(PodDns.of(pod, "127.96.0.10", () -> NODE).env(10053));
    env.put("HOSTNAME", "dns-example");
    ContainerSpec spec = new ContainerSpec("default", "dns-example", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("test").withImage("nginx").build(), env, Path.of("0.log"), Path.of("."),
        Map.of(), "id");
    return PodNet.resolvConf(spec);
  }

  @Test
  void noneTakesOnlyTheDnsConfig() {
    assertEquals("nameserver 192.0.2.1\nsearch ns1.svc.cluster-domain.example my.dns.search.suffix\n"
        + "options ndots:2 edns0\n", resolvConf(pod("None", false, true)));
  }

  @Test
  void clusterFirstAddsTheDnsConfigToTheClustersSettings() {
    assertEquals("nameserver 127.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\n"
        + "options ndots:5\n", resolvConf(pod("ClusterFirst", false, false)));
    assertEquals("nameserver 127.96.0.10\nnameserver 192.0.2.1\nsearch default.svc.cluster.local svc.cluster.local "
        + "cluster.local ns1.svc.cluster-domain.example my.dns.search.suffix\noptions ndots:2 edns0\n",
        resolvConf(pod("ClusterFirst", false, true)));
  }

  @Test
  void aHostNetworkPodsClusterFirstIsTheNodes() {
    assertEquals(Map.of(), PodDns.of(pod("ClusterFirst", true, false), "127.96.0.10", () -> NODE).env(10053));
    assertEquals("nameserver 10.0.0.2\nnameserver 192.0.2.1\nsearch corp.example ns1.svc.cluster-domain.example "
        + "my.dns.search.suffix\noptions timeout:2 ndots:2 edns0\n", resolvConf(pod("Default", false, true)));
    assertEquals("nameserver 127.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\n"
        + "options ndots:5\n", resolvConf(pod("ClusterFirstWithHostNet", true, false)));
  }
}
