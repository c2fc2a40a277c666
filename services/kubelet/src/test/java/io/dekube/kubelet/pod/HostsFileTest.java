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
    assertEquals("# Kubernetes-managed hosts file (host network).\n" + HEAD.substring(HEAD.indexOf('\n') + 1)
        + "127.0.1.1\tkube-node-01\n", HostsFile.of(pod, "127.0.1.1"));
    assertEquals("kube-node-01", EnvBuilder.hostname(pod));
  }

  /** kube's nodeHostsFileContent: the node's file, then the aliases of a hostNetwork pod too. */
  @Test
  void aHostNetworkPodKeepsItsAliases() {
    var pod = new PodBuilder().withNewMetadata().withName("h").withNamespace("d").endMetadata().withNewSpec()
        .withHostNetwork(true).withNodeName("kube-node-02").addNewHostAlias().withIp("10.1.2.3")
        .withHostnames("foo.remote", "bar.remote").endHostAlias().endSpec().build();
    assertTrue(HostsFile.of(pod, "127.0.1.2").endsWith("127.0.1.2\tkube-node-02\n\n# Entries added by HostAliases.\n"
        + "10.1.2.3\tfoo.remote\tbar.remote\n"), HostsFile.of(pod, "127.0.1.2"));
  }

  /** The page's hostaliases-pod, as kubectl exec hostaliases-pod -- cat /etc/hosts prints it. */
  @Test
  void theHostAliasesPageFile() {
    var pod = new PodBuilder().withNewMetadata().withName("hostaliases-pod").withNamespace("default").endMetadata()
        .withNewSpec().withRestartPolicy("Never").addNewHostAlias().withIp("127.0.0.1")
        .withHostnames("foo.local", "bar.local").endHostAlias().addNewHostAlias().withIp("10.1.2.3")
        .withHostnames("foo.remote", "bar.remote").endHostAlias().endSpec().build();
    assertEquals("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        + "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n"
        + "10.244.0.5\thostaliases-pod\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n"
        + "10.1.2.3\tfoo.remote\tbar.remote\n", HostsFile.of(pod, "10.244.0.5"));
  }
}
