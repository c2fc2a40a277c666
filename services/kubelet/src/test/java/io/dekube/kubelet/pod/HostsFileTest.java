package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class HostsFileTest {

  private static final String HEAD = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
      + "::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\n"
      + "fe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";

  @Test
  void thePodsNameThenItsHostAliases() {
    var pod = new PodBuilder().withNewMetadata().withName("web").withNamespace("d").endMetadata().withNewSpec()
        .addNewHostAlias().withIp("127.0.0.9").withHostnames("foo.local", "bar.local").endHostAlias().endSpec()
        .build();
    assertEquals(HEAD + "127.244.1.2\tweb\n\n# Entries added by HostAliases.\n127.0.0.9\tfoo.local\tbar.local\n",
        HostsFile.of(pod, "127.244.1.2"));
  }

  @Test
  void aHostnameWithASubdomainGetsItsFqdn() {
    var pod = new PodBuilder().withNewMetadata().withName("db-0").withNamespace("d").endMetadata().withNewSpec()
        .withHostname("db-0").withSubdomain("db").endSpec().build();
    String hosts = HostsFile.of(pod, "127.244.1.3");
    assertTrue(hosts.endsWith("127.244.1.3\tdb-0.db.d.svc.cluster.local\tdb-0\n"), hosts);
  }

  /** kubectl debug node/kube-node-01: a hostNetwork pod has the node's hostname and hosts file. */
  @Test
  void aHostNetworkPodIsTheNodes() {
    var pod = new PodBuilder().withNewMetadata().withName("node-debugger-kube-node-01-x").withNamespace("d")
        .endMetadata().withNewSpec().withHostNetwork(true).withNodeName("kube-node-01").endSpec().build();
    assertEquals(HEAD.substring(HEAD.indexOf('\n') + 1) + "127.0.1.1\tkube-node-01\n", HostsFile.of(pod, "127.0.1.1"));
    assertEquals("kube-node-01", EnvBuilder.hostname(pod));
  }
}
