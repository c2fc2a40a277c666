package io.dekube.kubelet.netpol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.Typed;
import io.dekube.kubelet.netpol.NetworkPolicyMatcher.Peer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples of kube's NetworkPolicy documentation, decided by the matcher. */
class NetworkPolicyMatcherTest {

  /** The tutorial "Declare Network Policy": nginx accepts only pods labelled access=true. */
  static final String ACCESS_NGINX = """
      {metadata: {name: access-nginx, namespace: default},
       spec: {podSelector: {matchLabels: {app: nginx}}, ingress: [{from: [{podSelector: {matchLabels: {access: 'true'}}}]}]}}
      """;

  /** The concepts page's test-network-policy. */
  static final String TEST_NETWORK_POLICY = """
      {metadata: {name: test-network-policy, namespace: default},
       spec: {podSelector: {matchLabels: {role: db}}, policyTypes: [Ingress, Egress],
         ingress: [{from: [{ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}},
                           {namespaceSelector: {matchLabels: {project: myproject}}},
                           {podSelector: {matchLabels: {role: frontend}}}],
                    ports: [{protocol: TCP, port: 6379}]}],
         egress: [{to: [{ipBlock: {cidr: 10.0.0.0/24}}], ports: [{protocol: TCP, port: 5978}]}]}}
      """;

  static final String DEFAULT_DENY_INGRESS = "{metadata: {name: default-deny-ingress, namespace: default},"
      + " spec: {podSelector: {}, policyTypes: [Ingress]}}";
  static final String ALLOW_ALL_INGRESS = "{metadata: {name: allow-all-ingress, namespace: default},"
      + " spec: {podSelector: {}, ingress: [{}], policyTypes: [Ingress]}}";
  static final String DEFAULT_DENY_EGRESS = "{metadata: {name: default-deny-egress, namespace: default},"
      + " spec: {podSelector: {}, policyTypes: [Egress]}}";
  static final String ALLOW_DNS = """
      {metadata: {name: allow-dns, namespace: default},
       spec: {podSelector: {}, policyTypes: [Egress],
         egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}},
                         podSelector: {matchLabels: {k8s-app: kube-dns}}}],
                   ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}]}}
      """;

  private static final Map<String, String> DEFAULT_NS = Map.of("kubernetes.io/metadata.name", "default");

  static NetworkPolicy policy(String yaml) {
    try {
      return Typed.from((ObjectNode) Json.YAML.readTree(yaml), NetworkPolicy.class);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Peer pod(String ns, String ip, Map<String, String> labels, Map<String, String> nsLabels) {
    Pod p = new PodBuilder().withNewMetadata().withName("p-" + ip).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName("c").addNewPort().withName("http").withContainerPort(8080)
        .endPort().endContainer().endSpec().withNewStatus().withPodIP(ip).endStatus().build();
    return Peer.pod(ip, p, nsLabels);
  }

  static Peer pod(String ip, Map<String, String> labels) {
    return pod("default", ip, labels, DEFAULT_NS);
  }

  static NetworkPolicyMatcher matcher(String... policies) {
    return new NetworkPolicyMatcher(java.util.Arrays.stream(policies).map(NetworkPolicyMatcherTest::policy).toList());
  }

  @Test
  void theTutorialsNginxAcceptsOnlyPodsWithAccessTrue() {
    Peer nginx = pod("127.244.1.2", Map.of("app", "nginx"));
    Peer busybox = pod("127.244.2.3", Map.of("run", "busybox"));
    Peer labelled = pod("127.244.2.4", Map.of("run", "busybox", "access", "true"));
    assertTrue(matcher().allows(busybox, nginx, 80, "TCP"), "no policy: everything is allowed");
    NetworkPolicyMatcher m = matcher(ACCESS_NGINX);
    assertFalse(m.allows(busybox, nginx, 80, "TCP"));
    assertTrue(m.allows(labelled, nginx, 80, "TCP"));
    assertTrue(m.allows(busybox, pod("127.244.1.9", Map.of("app", "web")), 80, "TCP"), "a pod no policy selects is open");
    assertTrue(m.allows(nginx, busybox, 80, "TCP"), "an ingress policy does not limit the pod's own connections");
    assertTrue(m.allows(Peer.node("127.0.0.1"), nginx, 80, "TCP"), "the node reaches its pods (probes)");
    assertFalse(m.allows(Peer.address("192.168.1.1"), nginx, 80, "TCP"), "other addresses only through ipBlocks");
    Peer elsewhere = pod("other", "127.244.3.3", Map.of("access", "true"), Map.of("kubernetes.io/metadata.name", "other"));
    assertFalse(m.allows(elsewhere, nginx, 80, "TCP"), "a podSelector alone selects pods of the policy's namespace");
  }

  @Test
  void theConceptsPagesPolicyCombinesIpBlocksNamespacesPodsAndPorts() {
    NetworkPolicyMatcher m = matcher(TEST_NETWORK_POLICY);
    Peer db = pod("172.17.0.5", Map.of("role", "db"));
    Peer frontend = pod("172.18.0.7", Map.of("role", "frontend"));
    assertTrue(m.allows(frontend, db, 6379, "TCP"));
    assertFalse(m.allows(frontend, db, 6380, "TCP"), "only the rule's port");
    assertFalse(m.allows(frontend, db, 6379, "UDP"), "only the rule's protocol");
    assertTrue(m.allows(Peer.address("172.17.2.1"), db, 6379, "TCP"), "in the ipBlock");
    assertFalse(m.allows(Peer.address("172.17.1.1"), db, 6379, "TCP"), "in the ipBlock's except");
    Peer inProject = pod("myproject", "172.19.0.1", Map.of(), Map.of("project", "myproject"));
    assertTrue(m.allows(inProject, db, 6379, "TCP"), "any pod of a namespace the namespaceSelector matches");
    assertFalse(m.allows(pod("172.19.0.2", Map.of("role", "backend")), db, 6379, "TCP"));
    assertTrue(m.allows(db, Peer.address("10.0.0.9"), 5978, "TCP"), "egress to the ipBlock on its port");
    assertFalse(m.allows(db, Peer.address("10.0.1.9"), 5978, "TCP"));
    assertFalse(m.allows(db, frontend, 5978, "TCP"), "egress: the db reaches only 10.0.0.0/24");
  }

  @Test
  void aPeerWithBothSelectorsNeedsBothWhileTwoPeersNeedEither() {
    String and = "{metadata: {name: and, namespace: default}, spec: {podSelector: {}, ingress: [{from: ["
        + "{namespaceSelector: {matchLabels: {user: alice}}, podSelector: {matchLabels: {role: client}}}]}]}}";
    String or = "{metadata: {name: or, namespace: default}, spec: {podSelector: {}, ingress: [{from: ["
        + "{namespaceSelector: {matchLabels: {user: alice}}}, {podSelector: {matchLabels: {role: client}}}]}]}}";
    Peer server = pod("127.244.1.1", Map.of());
    Peer aliceClient = pod("alice", "127.244.1.2", Map.of("role", "client"), Map.of("user", "alice"));
    Peer aliceOther = pod("alice", "127.244.1.3", Map.of(), Map.of("user", "alice"));
    Peer localClient = pod("127.244.1.4", Map.of("role", "client"));
    assertTrue(matcher(and).allows(aliceClient, server, 80, "TCP"));
    assertFalse(matcher(and).allows(aliceOther, server, 80, "TCP"));
    assertFalse(matcher(and).allows(localClient, server, 80, "TCP"), "the namespaceSelector is not the policy's");
    assertTrue(matcher(or).allows(aliceOther, server, 80, "TCP"));
    assertTrue(matcher(or).allows(localClient, server, 80, "TCP"));
  }

  @Test
  void policiesAddUpSoAllowAllWinsOverDefaultDeny() {
    Peer any = pod("127.244.1.1", Map.of("app", "x"));
    Peer client = pod("127.244.1.2", Map.of());
    assertFalse(matcher(DEFAULT_DENY_INGRESS).allows(client, any, 80, "TCP"));
    assertTrue(matcher(DEFAULT_DENY_INGRESS).allows(Peer.node("127.0.1.1"), any, 80, "TCP"));
    assertTrue(matcher(DEFAULT_DENY_INGRESS, ALLOW_ALL_INGRESS).allows(client, any, 80, "TCP"));
    assertTrue(matcher(DEFAULT_DENY_INGRESS, DEFAULT_DENY_EGRESS).allows(any, any, 80, "TCP"), "a pod reaches itself");
  }

  @Test
  void defaultDenyEgressNeedsAPolicyForDns() {
    Peer client = pod("127.244.1.2", Map.of());
    Peer dns = pod("kube-system", "127.96.0.10", Map.of("k8s-app", "kube-dns"),
        Map.of("kubernetes.io/metadata.name", "kube-system"));
    Peer web = pod("127.244.1.3", Map.of("app", "web"));
    assertFalse(matcher(DEFAULT_DENY_EGRESS).allows(client, dns, 53, "UDP"));
    assertFalse(matcher(DEFAULT_DENY_EGRESS).allows(client, web, 80, "TCP"));
    assertTrue(matcher(DEFAULT_DENY_EGRESS, ALLOW_DNS).allows(client, dns, 53, "UDP"));
    assertFalse(matcher(DEFAULT_DENY_EGRESS, ALLOW_DNS).allows(client, web, 80, "TCP"));
    assertFalse(matcher(DEFAULT_DENY_EGRESS, ALLOW_DNS).allows(client, web, 53, "UDP"), "only the kube-dns pods");
  }

  @Test
  void portRangesAndNamedPorts() {
    String range = "{metadata: {name: range, namespace: default}, spec: {podSelector: {}, policyTypes: [Egress],"
        + " egress: [{to: [{ipBlock: {cidr: 10.0.0.0/24}}], ports: [{protocol: TCP, port: 32000, endPort: 32768}]}]}}";
    Peer client = pod("127.244.1.2", Map.of());
    assertTrue(matcher(range).allows(client, Peer.address("10.0.0.1"), 32768, "TCP"));
    assertFalse(matcher(range).allows(client, Peer.address("10.0.0.1"), 32769, "TCP"));
    String named = "{metadata: {name: named, namespace: default}, spec: {podSelector: {}, ingress: [{ports: [{port: http}]}]}}";
    Peer server = pod("127.244.1.3", Map.of());
    assertTrue(matcher(named).allows(client, server, 8080, "TCP"), "the pod's container port named http");
    assertFalse(matcher(named).allows(client, server, 80, "TCP"));
  }

  @Test
  void aConnectionNeedsTheClientsEgressAndTheServersIngress() {
    String serverOpen = "{metadata: {name: web, namespace: default}, spec: {podSelector: {matchLabels: {app: web}},"
        + " ingress: [{from: [{podSelector: {}}]}]}}";
    String clientClosed = "{metadata: {name: client, namespace: default}, spec: {podSelector: {matchLabels: {run: c}},"
        + " policyTypes: [Egress], egress: [{to: [{podSelector: {matchLabels: {app: db}}}]}]}}";
    Peer client = pod("127.244.1.2", Map.of("run", "c"));
    Peer web = pod("127.244.1.3", Map.of("app", "web"));
    assertTrue(matcher(serverOpen).allows(client, web, 80, "TCP"));
    assertFalse(matcher(serverOpen, clientClosed).allows(client, web, 80, "TCP"));
    assertTrue(matcher(serverOpen, clientClosed).allows(client, pod("127.244.1.4", Map.of("app", "db")), 5432, "TCP"));
  }
}
