package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 with the real kubectl, curl and dig against one {@code ./dekube up} with its 3 jvm nodes:
 * the talk's kube-decon Deployment, Service and Ingress from {@code k8s-manifests/kube-decon.yaml}
 * (two real pods) answer from both pods through the ClusterIP (userspace kube-proxy) and through
 * the ingress by host; the cluster DNS on the 10th address of the service CIDR answers A, headless, SRV,
 * NXDOMAIN and FORMERR, behind the {@code kube-system/kube-dns} Service; a NodePort
 * Service (31579) answers on every node IP, one exposed with {@code kubectl expose} on a nodePort picked
 * at random from the dynamic band, on 127.0.0.1 too, and a LoadBalancer Service on its pool address; a taken
 * nodePort is refused; last, a rolling update to v2 under a client looping through the ingress
 * loses no request. Random service CIDR, LB pool and node addresses, so parallel clusters on this
 * machine never share an address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetworkingE2E {

  private static final String HOST = "kube-decon.kubecon.carson-anderson.com";
  private static final int OCTET = ThreadLocalRandom.current().nextInt(60, 95);
  private static final String CIDR = "127." + OCTET + ".0.0/16";
  /** The cluster DNS: the 10th address of the service CIDR, as kubeadm's. */
  private static final String DNS = "127." + OCTET + ".0.10";
  private static final String POOL = "127." + ThreadLocalRandom.current().nextInt(201, 240) + "."
      + ThreadLocalRandom.current().nextInt(1, 250) + ".0/24";
  private static final int NODE_PORT = 31579; // the talk's; bound on this cluster's random node IPs only

  @TempDir
  static Path tmp;
  private static DekubeProcess dekube;
  private static Kubectl kubectl;
  private static int dnsPort;
  private static int ingressPort;

  @BeforeAll
  static void cluster() throws Exception {
    Kubectl.requireOnPath();
    assumeTrue(onPath("curl") && onPath("dig"), "curl and dig (.ci/run installs them)");
    dekube = DekubeProcess.up(tmp.resolve("state"), "--service-cidr", CIDR, "--lb-pool", POOL,
        "--metrics-bind-address", "127.0.0.1:10249"); // the port "Using Source IP" curls on a node
    kubectl = new Kubectl(dekube.kubeconfig());
    String ready = dekube.stdout().stream().filter(l -> l.startsWith("dekube ready:")).findFirst().orElseThrow();
    dnsPort = Integer.parseInt(group(ready, "dns " + Pattern.quote(DNS) + ":(\\d+)"));
    ingressPort = Integer.parseInt(group(ready, "ingress http://127\\.0\\.0\\.1:(\\d+)"));
    kubectl.run("create", "namespace", "kube-decon").ok();
    kubectl.run("-n", "kube-decon", "create", "-f",
        DekubeProcess.repoRoot().resolve("k8s-manifests/kube-decon.yaml").toString()).ok();
    kubectl.run("-n", "kube-decon", "apply", "-f", manifest("""
        apiVersion: v1
        kind: Service
        metadata: {name: web-named}
        spec: {selector: {app: kube-decon}, ports: [{name: http, protocol: TCP, port: 80, targetPort: 2015}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web-headless}
        spec: {clusterIP: None, selector: {app: kube-decon}, ports: [{name: http, port: 2015}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web-lb}
        spec: {type: LoadBalancer, selector: {app: kube-decon}, ports: [{name: http, port: 80, targetPort: 2015}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web-nodeport}
        spec:
          type: NodePort
          selector: {app: kube-decon}
          ports: [{name: http, port: 80, targetPort: 2015, nodePort: %d}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: missing}
        spec:
          rules:
          - host: missing.example
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: nothere, port: {number: 80}}}}]}
        """.formatted(NODE_PORT))).ok();
    kubectl.run("-n", "kube-decon", "rollout", "status", "deployment/kube-decon", "--timeout=180s").ok();
  }

  @AfterAll
  static void stop() throws Exception {
    if (dekube != null) {
      dekube.close();
    }
  }

  /** The names of the deployment's running pods (the {@code pod:} line each one answers with). */
  private static Set<String> podNames() throws Exception {
    return Set.of(kubectl.run("-n", "kube-decon", "get", "pods", "-l", "app=kube-decon", "--field-selector",
        "status.phase=Running", "-o", "jsonpath={.items[*].metadata.name}").ok().out().trim().split("\\s+"));
  }

  @Test
  void clusterIpIsShownAndAnswersFromBothPods() throws Exception {
    String ip = kubectl.run("-n", "kube-decon", "get", "svc", "kube-decon", "-o", "jsonpath={.spec.clusterIP}").ok()
        .out();
    assertTrue(ip.startsWith("127." + OCTET + "."), ip);
    assertTrue(kubectl.run("-n", "kube-decon", "get", "svc").ok().out().contains(ip), "CLUSTER-IP column");
    Set<String> pods = podNames();
    assertEquals(2, pods.size(), pods::toString);
    assertEquals(pods, answersFrom(List.of("http://" + ip + "/")));
  }

  /** kubectl run busybox: wget and nslookup of the Service by its short name, as kubectl logs shows them. */
  @Test
  void aBusyboxPodReachesTheServiceByNameWithWgetAndNslookup() throws Exception {
    String ip = kubectl.run("-n", "kube-decon", "get", "svc", "kube-decon", "-o", "jsonpath={.spec.clusterIP}").ok()
        .out();
    kubectl.run("-n", "kube-decon", "run", "bb", "--image=busybox", "--restart=Never", "--", "sh", "-c",
        "cat /etc/resolv.conf; wget -qO- http://kube-decon | grep pod:; nslookup kube-decon;"
            + " wget -qO- http://nothere.kube-decon.svc.cluster.local; echo rc=$?")
        .ok();
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> "Succeeded".equals(kubectl.run("-n", "kube-decon",
        "get", "pod", "bb", "-o", "jsonpath={.status.phase}").out()));
    String logs = kubectl.run("-n", "kube-decon", "logs", "bb").ok().out();
    assertTrue(logs.startsWith("nameserver " + DNS + "\nsearch kube-decon.svc.cluster.local svc.cluster.local"
        + " cluster.local\noptions ndots:5\n"), "resolv.conf names the 10th address of --service-cidr: " + logs);
    assertTrue(logs.matches("(?s)nameserver [^\n]*\n[^\n]*\n[^\n]*\npod: kube-decon-\\S+\n.*"), logs);
    assertTrue(logs.contains("Server:\t\t" + DNS + "\nAddress:\t" + DNS + ":53\n\n"
        + "Name:\tkube-decon.kube-decon.svc.cluster.local\nAddress: " + ip + "\n"), logs);
    assertTrue(logs.endsWith("wget: bad address 'nothere.kube-decon.svc.cluster.local'\nrc=1\n"), logs);
  }

  /**
   * The Kubernetes tutorial "Declare Network Policy" with the real kubectl, in a namespace of its own: busybox
   * reaches nginx through its Service; after the policy only pods labelled access=true do, the others see
   * wget's timeout (a dropped connection, not a refused one).
   */
  @Test
  void theDeclareNetworkPolicyTutorialLetsOnlyPodsWithAccessTrueReachNginx() throws Exception {
    String ns = "policy-demo";
    kubectl.run("create", "namespace", ns).ok();
    kubectl.run("-n", ns, "create", "deployment", "nginx", "--image=nginx").ok();
    kubectl.run("-n", ns, "expose", "deployment", "nginx", "--port=80").ok();
    kubectl.run("-n", ns, "rollout", "status", "deployment/nginx", "--timeout=120s").ok();
    String open = spider(ns, "before", "");
    assertTrue(open.contains("remote file exists") && open.endsWith("rc=0\n"), open);

    String applied = kubectl.run("-n", ns, "apply", "-f", manifest("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: access-nginx}
        spec:
          podSelector: {matchLabels: {app: nginx}}
          ingress:
          - from:
            - podSelector: {matchLabels: {access: "true"}}
        """)).ok().out();
    assertEquals("networkpolicy.networking.k8s.io/access-nginx created\n", applied);
    String table = kubectl.run("-n", ns, "get", "netpol").ok().out();
    assertTrue(table.matches("NAME\\s+POD-SELECTOR\\s+AGE\naccess-nginx\\s+app=nginx\\s+\\S+\n"), table);
    String described = kubectl.run("-n", ns, "describe", "netpol", "access-nginx").ok().out();
    assertTrue(described.contains("Allowing ingress traffic:") && described.contains("PodSelector: access=true")
        && described.contains("Policy Types: Ingress"), described);

    String dropped = spider(ns, "denied", "");
    assertTrue(dropped.endsWith("wget: download timed out\nrc=1\n"), dropped);
    String allowed = spider(ns, "allowed", "--labels=access=true");
    assertTrue(allowed.contains("remote file exists") && allowed.endsWith("rc=0\n"), allowed);

    Kubectl.Result invalid = kubectl.run("-n", ns, "apply", "-f", manifest("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: bad}
        spec:
          podSelector: {}
          ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}}]}]
        """));
    assertTrue(invalid.exit() != 0 && invalid.err().contains("spec.ingress[0].from[0].ipBlock.except[0]: Invalid value:"
        + " \"192.168.0.0/16\": must be a strict subset of `cidr`"), invalid.err());
  }

  /**
   * Default-deny egress, as kube's documentation writes it: busybox's DNS queries go unanswered until a policy
   * lets them reach the kube-dns pods of kube-system on port 53; other traffic stays dropped.
   */
  @Test
  void aDefaultDenyEgressPolicyNeedsARuleForTheClusterDns() throws Exception {
    String ns = "egress-demo";
    kubectl.run("create", "namespace", ns).ok();
    kubectl.run("-n", ns, "apply", "-f", manifest("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: default-deny-egress}
        spec: {podSelector: {}, policyTypes: [Egress]}
        """)).ok();
    String cmd = "nslookup kube-decon.kube-decon; echo rc=$?; wget -q -O- -T 1 http://kube-decon.kube-decon; echo rc=$?";
    String denied = shell(ns, "no-dns", cmd);
    assertTrue(denied.contains(";; connection timed out; no servers could be reached\n\nrc=1\n")
        && denied.endsWith("wget: bad address 'kube-decon.kube-decon'\nrc=1\n"), denied);
    kubectl.run("-n", ns, "apply", "-f", manifest("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: allow-dns}
        spec:
          podSelector: {}
          policyTypes: [Egress]
          egress:
          - to:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
              podSelector: {matchLabels: {k8s-app: kube-dns}}
            ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]
        """)).ok();
    String dns = shell(ns, "dns", cmd);
    assertTrue(dns.contains("Name:\tkube-decon.kube-decon.svc.cluster.local\n") && dns.contains("rc=0\n")
        && dns.endsWith("wget: download timed out\nrc=1\n"), dns);
  }

  /** {@code kubectl run NAME --image=busybox -- sh -c CMD}: its log once it ended. */
  private static String shell(String ns, String name, String cmd) throws Exception {
    kubectl.run("-n", ns, "run", name, "--image=busybox", "--restart=Never", "--", "sh", "-c", cmd).ok();
    Awaitility.await(name + " ends").atMost(Duration.ofSeconds(60)).until(() -> "Succeeded".equals(kubectl.run("-n",
        ns, "get", "pod", name, "-o", "jsonpath={.status.phase}").out()));
    return kubectl.run("-n", ns, "logs", name).ok().out();
  }

  /** {@code kubectl run NAME --image=busybox -- wget --spider --timeout=1 http://nginx}: its log and exit status. */
  private static String spider(String ns, String name, String labels) throws Exception {
    List<String> args = new ArrayList<>(List.of("-n", ns, "run", name, "--image=busybox", "--restart=Never"));
    if (!labels.isEmpty()) {
      args.add(labels);
    }
    args.addAll(List.of("--", "sh", "-c", "wget --spider --timeout=1 http://nginx; echo rc=$?"));
    kubectl.run(args.toArray(String[]::new)).ok();
    Awaitility.await(name + " ends").atMost(Duration.ofSeconds(60)).until(() -> "Succeeded".equals(kubectl.run("-n",
        ns, "get", "pod", name, "-o", "jsonpath={.status.phase}").out()));
    return kubectl.run("-n", ns, "logs", name).ok().out();
  }

  @Test
  void ingressRoutesTheTalksHostToBothPodsAndNamesAMissingService() throws Exception {
    assertEquals(podNames(), answersFrom(List.of("-H", "Host: " + HOST, "http://127.0.0.1:" + ingressPort + "/")));
    String missing = run("curl", "-s", "-w", " %{http_code}", "-H", "Host: missing.example",
        "http://127.0.0.1:" + ingressPort + "/");
    assertTrue(missing.endsWith(" 503") && missing.contains("nothere"), missing);
    Awaitility.await("the Ingress status gets the address").atMost(Duration.ofSeconds(30)).until(() ->
        kubectl.run("-n", "kube-decon", "get", "ing", "kube-decon", "-o",
            "jsonpath={.status.loadBalancer.ingress[0].ip}").out().equals("127.0.0.1"));
  }

  /** The proxy subresource, as {@code kubectl proxy} and {@code kubectl get --raw} use it. */
  @Test
  void theApiserverProxiesToAServicesEndpointsAndToAPod() throws Exception {
    String base = "/api/v1/namespaces/kube-decon/";
    assertTrue(kubectl.run("get", "--raw", base + "services/kube-decon:80/proxy/").ok().out().contains("pod: kube-decon-"));
    assertEquals("ok\n", kubectl.run("get", "--raw", base + "services/web-named:http/proxy/healthz").ok().out());
    String pod = podNames().iterator().next();
    assertTrue(kubectl.run("get", "--raw", base + "pods/" + pod + "/proxy/?x=1").ok().out().contains("pod: " + pod + "\n"));
    assertEquals("ok\n", kubectl.run("get", "--raw", base + "pods/" + pod + ":2015/proxy/healthz").ok().out());
    Kubectl.Result noPort = kubectl.run("get", "--raw", base + "services/kube-decon:81/proxy/");
    assertTrue(noPort.exit() != 0 && noPort.err().contains("no service port 81 found for service \"kube-decon\""),
        noPort::toString);
  }

  @Test
  void aNodePortAnswersOnEveryNodeIp() throws Exception {
    String[] nodeIps = kubectl.run("get", "nodes", "-o",
        "jsonpath={.items[*].status.addresses[?(@.type==\"InternalIP\")].address}").ok().out().trim().split("\\s+");
    assertEquals(3, nodeIps.length, () -> String.join(" ", nodeIps));
    for (String nodeIp : nodeIps) {
      assertEquals(podNames(), answersFrom(List.of("http://" + nodeIp + ":" + NODE_PORT + "/")), "node " + nodeIp);
    }
  }

  /**
   * "Use a Service to Access an Application in a Cluster": {@code kubectl expose --type=NodePort}; the nodePort
   * and ClusterIP come from the dynamic bands, picked at random as kube 1.32 picks them, and
   * {@code curl 127.0.0.1:<nodePort>} answers as on a kube node (kube-proxy's localhost NodePorts).
   */
  @Test
  void anExposedNodePortAnswersOnLocalhostAndEveryNodeIp() throws Exception {
    kubectl.run("-n", "kube-decon", "expose", "deployment", "kube-decon", "--type=NodePort", "--name=example-service",
        "--port=80", "--target-port=2015").ok();
    String[] allocated = kubectl.run("-n", "kube-decon", "get", "svc", "example-service", "-o",
        "jsonpath={.spec.ports[0].nodePort} {.spec.clusterIP}").ok().out().split(" ");
    int nodePort = Integer.parseInt(allocated[0]);
    assertTrue(nodePort > 30085 && nodePort <= 32767, "the dynamic band: " + nodePort);
    String[] octets = allocated[1].split("\\.");
    assertTrue(octets[1].equals(Integer.toString(OCTET)) && Integer.parseInt(octets[2]) >= 1
        && !allocated[1].endsWith(".1.0"), "above the static band: " + allocated[1]);
    Set<String> pods = podNames();
    assertEquals(pods, answersFrom(List.of("http://127.0.0.1:" + nodePort + "/")), "localhost");
    String nodeIp = kubectl.run("get", "nodes", "-o",
        "jsonpath={.items[0].status.addresses[?(@.type==\"InternalIP\")].address}").ok().out().trim();
    assertEquals(pods, answersFrom(List.of("http://" + nodeIp + ":" + nodePort + "/")), "node " + nodeIp);
  }

  /**
   * "Using Source IP" with the echoserver: a node's kube-proxy tells its mode on port 10249; through a NodePort under {@code externalTrafficPolicy: Cluster} each
   * node answers with its own address as {@code client_address} (kube-proxy's masquerade); under {@code Local}
   * only the endpoint's node answers, with the client's address; a LoadBalancer likewise, its Cluster answer from
   * the endpoint's node; under Local its {@code healthCheckNodePort} answers 200 on that node, 503 elsewhere.
   */
  @Test
  void usingSourceIpShowsTheNodeUnderClusterAndTheClientUnderLocal() throws Exception {
    kubectl.run("create", "namespace", "source-ip").ok();
    kubectl.run("-n", "source-ip", "create", "deployment", "source-ip-app",
        "--image=registry.k8s.io/echoserver:1.10").ok();
    kubectl.run("-n", "source-ip", "rollout", "status", "deployment/source-ip-app", "--timeout=120s").ok();
    kubectl.run("-n", "source-ip", "expose", "deployment", "source-ip-app", "--name=nodeport", "--port=80",
        "--target-port=8080", "--type=NodePort").ok();
    String nodePort = kubectl.run("-n", "source-ip", "get", "-o", "jsonpath={.spec.ports[0].nodePort}", "services",
        "nodeport").ok().out();
    String[] nodes = kubectl.run("get", "nodes", "-o",
        "jsonpath={ $.items[*].status.addresses[?(@.type==\"InternalIP\")].address }").ok().out().trim().split(" ");
    assertEquals("userspace", run("curl", "-s", "--max-time", "5", nodes[0] + ":10249/proxyMode"), "the proxy mode");
    for (String node : nodes) {
      Awaitility.await("client_address through " + node).atMost(Duration.ofSeconds(30)).until(() ->
          run("curl", "-s", "--max-time", "5", node + ":" + nodePort).contains("client_address=" + node + "\n"));
    }
    kubectl.run("-n", "source-ip", "patch", "svc", "nodeport", "-p",
        "{\"spec\":{\"externalTrafficPolicy\":\"Local\"}}").ok();
    String podNode = kubectl.run("-n", "source-ip", "get", "pod", "-l", "app=source-ip-app", "-o",
        "jsonpath={.items[0].spec.nodeName}").ok().out();
    String podNodeIp = kubectl.run("get", "node", podNode, "-o",
        "jsonpath={.status.addresses[?(@.type==\"InternalIP\")].address}").ok().out();
    Awaitility.await("the client's address under Local").atMost(Duration.ofSeconds(30)).until(() ->
        run("curl", "-s", "--max-time", "5", podNodeIp + ":" + nodePort).contains("client_address=127.0.0.1\n"));
    for (String node : nodes) {
      if (!node.equals(podNodeIp)) {
        assertTrue(run("curl", "-s", "--connect-timeout", "1", "--max-time", "5", node + ":" + nodePort).isEmpty(),
            "no endpoint on " + node);
      }
    }
    kubectl.run("-n", "source-ip", "expose", "deployment", "source-ip-app", "--name=loadbalancer", "--port=80",
        "--target-port=8080", "--type=LoadBalancer").ok();
    Awaitility.await("an address from the pool").atMost(Duration.ofSeconds(30)).until(() ->
        !kubectl.run("-n", "source-ip", "get", "svc", "loadbalancer", "-o",
            "jsonpath={.status.loadBalancer.ingress[0].ip}").out().isEmpty());
    String lb = kubectl.run("-n", "source-ip", "get", "svc", "loadbalancer", "-o",
        "jsonpath={.status.loadBalancer.ingress[0].ip}").out();
    Awaitility.await("client_address: the endpoint's node").atMost(Duration.ofSeconds(30)).until(() ->
        run("curl", "-s", "--max-time", "5", lb).contains("client_address=" + podNodeIp + "\n"));
    kubectl.run("-n", "source-ip", "patch", "svc", "loadbalancer", "-p",
        "{\"spec\":{\"externalTrafficPolicy\":\"Local\"}}").ok();
    Awaitility.await("client_address: the client's").atMost(Duration.ofSeconds(30)).until(() ->
        run("curl", "-s", "--max-time", "5", lb).contains("client_address=127.0.0.1\n"));
    String healthCheckNodePort = kubectl.run("-n", "source-ip", "get", "svc", "loadbalancer", "-o",
        "jsonpath={.spec.healthCheckNodePort}").ok().out();
    for (String node : nodes) {
      boolean local = node.equals(podNodeIp);
      Awaitility.await("the health check on " + node).atMost(Duration.ofSeconds(30)).until(() -> {
        String answer = run("curl", "-s", "--max-time", "5", "-w", "%{http_code}",
            node + ":" + healthCheckNodePort + "/healthz");
        return answer.endsWith(local ? "200" : "503")
            && answer.contains("\"localEndpoints\": " + (local ? 1 : 0) + ",");
      });
    }
  }

  @Test
  void dnsAnswersServicesHeadlessSrvAndNxdomain() throws Exception {
    String ip = kubectl.run("-n", "kube-decon", "get", "svc", "kube-decon", "-o", "jsonpath={.spec.clusterIP}").ok()
        .out();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> dig("kube-decon.kube-decon.svc.cluster.local")
        .equals(ip));
    String podIps = kubectl.run("-n", "kube-decon", "get", "pods", "-l", "app=kube-decon", "-o",
        "jsonpath={.items[*].status.podIP}").ok().out().trim();
    assertEquals(new TreeSet<>(List.of(podIps.split("\\s+"))),
        new TreeSet<>(dig("web-headless.kube-decon.svc.cluster.local").lines().toList()), "headless: the pod IPs");
    assertEquals("0 100 80 web-named.kube-decon.svc.cluster.local.",
        dig("-t", "SRV", "_http._tcp.web-named.kube-decon.svc.cluster.local"));
    String nx = run("dig", "@" + DNS, "-p", Integer.toString(dnsPort), "nothere.kube-decon.svc.cluster.local");
    assertTrue(nx.contains("status: NXDOMAIN") && nx.contains("SOA"), nx);
    assertEquals(ip, run("dig", "+short", "+tcp", "@" + DNS, "-p", Integer.toString(dnsPort),
        "kube-decon.kube-decon.svc.cluster.local").strip(), "TCP too");
  }

  /**
   * {@code kube-system/kube-dns} as kubeadm makes it, on the 10th address of {@code --service-cidr}, its
   * endpoints where this DNS answers, so kube-proxy leads its ClusterIP there; deleted, it comes back.
   */
  @Test
  void theKubeDnsServiceIsOnTheTenthAddressAndLeadsToTheDns() throws Exception {
    Awaitility.await("kube-system/kube-dns and its endpoints").atMost(Duration.ofSeconds(30)).until(() ->
        kubectl.run("-n", "kube-system", "get", "svc,endpoints", "kube-dns").exit() == 0);
    String svc = kubectl.run("-n", "kube-system", "get", "svc", "kube-dns").ok().out();
    assertTrue(svc.matches("(?s)NAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\\(S\\) +AGE\n"
        + "kube-dns +ClusterIP +" + Pattern.quote(DNS) + " +<none> +53/UDP,53/TCP,9153/TCP +\\S+\n"), svc);
    assertTrue(kubectl.run("get", "svc", "-A").ok().out().lines().anyMatch(l -> l.matches(
        "kube-system +kube-dns +ClusterIP +" + Pattern.quote(DNS) + " .*")), "kubectl get svc -A");
    assertEquals("kube-dns true CoreDNS kube-dns", kubectl.run("-n", "kube-system", "get", "svc", "kube-dns", "-o",
        "jsonpath={.metadata.labels.k8s-app} {.metadata.labels.kubernetes\\.io/cluster-service}"
            + " {.metadata.labels.kubernetes\\.io/name} {.spec.selector.k8s-app}").ok().out());
    String node = kubectl.run("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out();
    assertTrue(kubectl.run("get", "--raw", "/api/v1/nodes/" + node + "/proxy/configz").ok().out()
        .contains("\"clusterDNS\":[\"" + DNS + "\"]"), "the kubelet's clusterDNS");
    String eps = kubectl.run("-n", "kube-system", "get", "endpoints", "kube-dns", "-o",
        "jsonpath={.subsets[0].addresses[*].ip} {.subsets[0].ports[?(@.name==\"dns\")].port}"
            + " {.subsets[0].ports[?(@.name==\"dns-tcp\")].port}").ok().out();
    assertEquals(DNS + " " + dnsPort + " " + dnsPort, eps, "the endpoints: where the DNS answers");
    // the metrics port: kube-proxy on the ClusterIP's 9153, the DNS's /metrics on a port of its own
    Awaitility.await("/metrics through kube-proxy").atMost(Duration.ofSeconds(30)).until(() ->
        run("curl", "-s", "--max-time", "5", "http://" + DNS + ":9153/metrics").contains("# TYPE "));
    String ip = kubectl.run("-n", "kube-decon", "get", "svc", "kube-decon", "-o", "jsonpath={.spec.clusterIP}").ok()
        .out();
    if (port53Bindable()) { // the DNS itself where it may bind 53, else kube-proxy to the DNS's port
      assertEquals(ip, run("dig", "+short", "@" + DNS, "kube-decon.kube-decon.svc.cluster.local").strip(), "port 53");
    }
    // one at a time: the endpoints controller deletes the Endpoints with the Service, and kubectl would wait
    // for Endpoints it found missing to go away
    for (String kind : List.of("svc", "endpoints")) {
      String uid = kubectl.run("-n", "kube-system", "get", kind, "kube-dns", "-o", "jsonpath={.metadata.uid}").ok().out();
      kubectl.run("-n", "kube-system", "delete", kind, "kube-dns").ok();
      Awaitility.await("kube-dns written again after deleting its " + kind).atMost(Duration.ofSeconds(30)).until(() ->
          !kubectl.run("-n", "kube-system", "get", kind, "kube-dns", "-o", "jsonpath={.metadata.uid}").out().equals(uid)
              && kubectl.run("-n", "kube-system", "get", "svc", "kube-dns", "-o", "jsonpath={.spec.clusterIP}").out()
              .equals(DNS)
              && kubectl.run("-n", "kube-system", "get", "endpoints", "kube-dns", "-o",
              "jsonpath={.subsets[0].addresses[0].ip}").out().equals(DNS));
    }
  }

  private static boolean port53Bindable() throws Exception {
    return run("id", "-u").strip().equals("0") || Integer.parseInt(Files.readString(
        Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).strip()) <= 53;
  }

  @Test
  void malformedDnsPacketGetsFormErrAndTheServerGoesOn() throws Exception {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(5_000);
      byte[] junk = {0x0b, 0x0e, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
      s.send(new DatagramPacket(junk, junk.length, InetAddress.getByName(DNS), dnsPort));
      DatagramPacket reply = new DatagramPacket(new byte[512], 512);
      s.receive(reply);
      assertEquals(0x0b0e, ((reply.getData()[0] & 0xff) << 8) | (reply.getData()[1] & 0xff), "same id");
      assertEquals(1, reply.getData()[3] & 0x0f, "rcode FORMERR");
    }
    assertTrue(dig("kubernetes.default.svc.cluster.local").startsWith("127." + OCTET + ".0.1"), "still answers");
  }

  @Test
  void loadBalancerAnswersOnItsPoolAddress() throws Exception {
    Awaitility.await("an address from the pool").atMost(Duration.ofSeconds(30)).until(() ->
        !kubectl.run("-n", "kube-decon", "get", "svc", "web-lb", "-o",
            "jsonpath={.status.loadBalancer.ingress[0].ip}").out().isEmpty());
    String lb = kubectl.run("-n", "kube-decon", "get", "svc", "web-lb", "-o",
        "jsonpath={.status.loadBalancer.ingress[0].ip}").out();
    assertTrue(lb.startsWith(POOL.substring(0, POOL.lastIndexOf('.'))), lb + " in " + POOL);
    assertEquals(podNames(), answersFrom(List.of("http://" + lb + "/")));
    // the pool's controller writes the status under the manager of kube's cloud-controller-manager
    assertEquals("cloud-controller-manager", kubectl.run("-n", "kube-decon", "get", "svc", "web-lb",
        "--show-managed-fields", "-o", "jsonpath={.metadata.managedFields[?(@.subresource==\"status\")].manager}")
        .out().trim());
  }

  @Test
  void aTakenNodePortIsRefused() throws Exception {
    int port = ThreadLocalRandom.current().nextInt(30_100, 31_500);
    String svc = """
        apiVersion: v1
        kind: Service
        metadata: {name: %s}
        spec: {type: NodePort, ports: [{port: 80, nodePort: %d}]}
        """;
    kubectl.run("-n", "kube-decon", "create", "-f", manifest(svc.formatted("np-a", port))).ok();
    Kubectl.Result clash = kubectl.run("-n", "kube-decon", "create", "-f", manifest(svc.formatted("np-b", port)));
    assertEquals(1, clash.exit());
    assertTrue(clash.err().contains("The Service \"np-b\" is invalid: spec.ports[0].nodePort: Invalid value: " + port
        + ": provided port is already allocated"), clash.err());
  }

  /**
   * "Configuring Redis using a ConfigMap" as written: the pod runs {@code redis-server /redis-master/redis.conf}
   * from an empty ConfigMap, {@code kubectl exec -it redis -- redis-cli} on a terminal shows redis's defaults; the
   * ConfigMap updated, the running redis keeps them, and the pod recreated reads {@code maxmemory 2mb} and
   * {@code maxmemory-policy allkeys-lru}.
   */
  @Test
  @Order(3)
  void theRedisConfigMapTutorialReadsItsConfigWhenThePodIsRecreated() throws Exception {
    String pod = manifest("""
        apiVersion: v1
        kind: Pod
        metadata: {name: redis}
        spec:
          containers:
          - name: redis
            image: redis:5.0.4
            command: [redis-server, "/redis-master/redis.conf"]
            env: [{name: MASTER, value: "true"}]
            ports: [{containerPort: 6379}]
            resources: {limits: {cpu: "0.1"}}
            volumeMounts:
            - {mountPath: /redis-master-data, name: data}
            - {mountPath: /redis-master, name: config}
          volumes:
          - {name: data, emptyDir: {}}
          - name: config
            configMap:
              name: example-redis-config
              items: [{key: redis-config, path: redis.conf}]
        """);
    String config = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: example-redis-config}
        data:
          redis-config: %s
        """;
    kubectl.run("apply", "-f", manifest(config.formatted("\"\""))).ok();
    kubectl.run("apply", "-f", pod).ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/redis", "--timeout=120s").ok();
    assumeTrue(onPath("script"), "util-linux script, for kubectl exec -it");
    Process p = new ProcessBuilder("script", "-qfec", "kubectl --kubeconfig " + dekube.kubeconfig()
        + " exec -it redis -- redis-cli", "/dev/null").redirectErrorStream(true).start();
    StringBuffer seen = new StringBuffer();
    Thread reader = new Thread(() -> {
      byte[] b = new byte[4096];
      try (var in = p.getInputStream()) {
        for (int n; (n = in.read(b)) > 0; ) {
          seen.append(new String(b, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the process ended
      }
    });
    reader.start();
    try (var typed = p.getOutputStream()) {
      Awaitility.await("redis-cli's prompt").atMost(Duration.ofSeconds(60))
          .until(() -> seen.toString().contains("127.0.0.1:6379> "));
      typed.write("CONFIG GET maxmemory\r".getBytes(StandardCharsets.UTF_8));
      typed.flush();
      Awaitility.await("maxmemory").atMost(Duration.ofSeconds(20))
          .until(() -> seen.toString().contains("1) \"maxmemory\"\r\n2) \"0\"\r\n127.0.0.1:6379> "));
      typed.write("CONFIG GET maxmemory-policy\r".getBytes(StandardCharsets.UTF_8));
      typed.flush();
      Awaitility.await("maxmemory-policy").atMost(Duration.ofSeconds(20))
          .until(() -> seen.toString().contains("1) \"maxmemory-policy\"\r\n2) \"noeviction\"\r\n"));
      typed.write("quit\r".getBytes(StandardCharsets.UTF_8));
      typed.flush();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), seen.toString());
    } finally {
      Kubectl.destroyTree(p);
    }
    reader.join(5000);
    assertEquals(0, p.exitValue(), seen.toString());
    kubectl.run("apply", "-f", manifest(config.formatted("|\n            maxmemory 2mb\n"
        + "            maxmemory-policy allkeys-lru"))).ok();
    assertEquals("maxmemory\n0\n", kubectl.run("exec", "redis", "--", "redis-cli", "CONFIG", "GET", "maxmemory")
        .ok().out(), "the running redis keeps the config it read");
    kubectl.run("delete", "pod", "redis").ok();
    kubectl.run("apply", "-f", pod).ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/redis", "--timeout=120s").ok();
    Awaitility.await("the recreated pod's redis").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(
        "maxmemory\n2097152\n", kubectl.run("exec", "redis", "--", "redis-cli", "CONFIG", "GET", "maxmemory").out()));
    assertEquals("maxmemory-policy\nallkeys-lru\n", kubectl.run("exec", "redis", "--", "redis-cli", "CONFIG", "GET",
        "maxmemory-policy").ok().out());
    kubectl.run("delete", "pod", "redis", "--wait=false").ok();
  }

  /**
   * "Connecting Applications with Services", its "Securing the Service" steps with the real kubectl and openssl: a
   * self-signed certificate for {@code my-nginx}, {@code kubectl create secret tls nginxsecret}, {@code kubectl
   * create configmap nginxconfigmap --from-file=default.conf}, {@code nginx-secure-app.yaml} (a NodePort Service
   * and {@code bprashanth/nginxhttps:1.0} with the Secret at {@code /etc/nginx/ssl} and the ConfigMap at
   * {@code /etc/nginx/conf.d}); the curl pod ({@code radial/busyboxplus:curl} with the Secret) reaches
   * {@code https://my-nginx} with {@code --cacert}, and the NodePort answers {@code curl -k} from the host.
   */
  @Test
  @Order(3)
  void theSecuringTheServiceTutorialServesNginxOverHttpsWithTheSecretsCertificate() throws Exception {
    assumeTrue(onPath("openssl"), "openssl, as the tutorial makes its certificate");
    String ns = "secure-demo";
    kubectl.run("create", "namespace", ns).ok();
    Path key = tmp.resolve("nginx.key");
    Path crt = tmp.resolve("nginx.crt");
    Kubectl.Result made = Kubectl.runBounded(new ProcessBuilder("openssl", "req", "-x509", "-nodes", "-days", "365",
        "-newkey", "rsa:2048", "-keyout", key.toString(), "-out", crt.toString(), "-subj", "/CN=my-nginx/O=my-nginx"),
        60);
    assertEquals(0, made.exit(), made.err());
    assertEquals("secret/nginxsecret created\n", kubectl.run("-n", ns, "create", "secret", "tls", "nginxsecret",
        "--key", key.toString(), "--cert", crt.toString()).ok().out());
    Path conf = Files.createDirectories(tmp.resolve("secure")).resolve("default.conf");
    Files.writeString(conf, """
        server {
                listen 80 default_server;
                listen [::]:80 default_server ipv6only=on;

                listen 443 ssl;

                root /usr/share/nginx/html;
                index index.html;

                server_name localhost;
                ssl_certificate /etc/nginx/ssl/tls.crt;
                ssl_certificate_key /etc/nginx/ssl/tls.key;

                location / {
                        try_files $uri $uri/ =404;
                }
        }""");
    assertEquals("configmap/nginxconfigmap created\n", kubectl.run("-n", ns, "create", "configmap",
        "nginxconfigmap", "--from-file=" + conf).ok().out());
    kubectl.run("-n", ns, "apply", "-f", manifest("""
        apiVersion: v1
        kind: Service
        metadata: {name: my-nginx, labels: {run: my-nginx}}
        spec:
          type: NodePort
          ports:
          - {port: 8080, targetPort: 80, protocol: TCP, name: http}
          - {port: 443, protocol: TCP, name: https}
          selector: {run: my-nginx}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: my-nginx}
        spec:
          selector: {matchLabels: {run: my-nginx}}
          replicas: 1
          template:
            metadata: {labels: {run: my-nginx}}
            spec:
              volumes:
              - {name: secret-volume, secret: {secretName: nginxsecret}}
              - {name: configmap-volume, configMap: {name: nginxconfigmap}}
              containers:
              - name: nginxhttps
                image: bprashanth/nginxhttps:1.0
                ports: [{containerPort: 443}, {containerPort: 80}]
                volumeMounts:
                - {mountPath: /etc/nginx/ssl, name: secret-volume}
                - {mountPath: /etc/nginx/conf.d, name: configmap-volume}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: curl-deployment}
        spec:
          selector: {matchLabels: {app: curlpod}}
          replicas: 1
          template:
            metadata: {labels: {app: curlpod}}
            spec:
              volumes:
              - {name: secret-volume, secret: {secretName: nginxsecret}}
              containers:
              - name: curlpod
                command: [sh, -c, "while true; do sleep 1; done"]
                image: radial/busyboxplus:curl
                volumeMounts:
                - {mountPath: /etc/nginx/ssl, name: secret-volume}
        """)).ok();
    kubectl.run("-n", ns, "rollout", "status", "deployment/my-nginx", "--timeout=120s").ok();
    kubectl.run("-n", ns, "rollout", "status", "deployment/curl-deployment", "--timeout=120s").ok();
    String curlPod = kubectl.run("-n", ns, "get", "pods", "-l", "app=curlpod", "-o",
        "jsonpath={.items[0].metadata.name}").ok().out();
    Awaitility.await("https://my-nginx from the curl pod").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Kubectl.Result r = kubectl.run("-n", ns, "exec", curlPod, "--", "curl", "https://my-nginx", "--cacert",
          "/etc/nginx/ssl/tls.crt");
      assertTrue(r.exit() == 0 && r.out().contains("<title>Welcome to nginx!</title>"), r.out() + r.err());
    });
    Kubectl.Result untrusted = kubectl.run("-n", ns, "exec", curlPod, "--", "curl", "https://my-nginx");
    assertTrue(untrusted.exit() == 60 && untrusted.err().startsWith("curl: (60) SSL certificate problem: "
        + "self-signed certificate\n"), untrusted.exit() + untrusted.err());
    assertTrue(kubectl.run("-n", ns, "exec", curlPod, "--", "curl", "http://my-nginx:8080/").ok().out()
        .contains("<title>Welcome to nginx!</title>"));
    String nodePort = kubectl.run("-n", ns, "get", "svc", "my-nginx", "-o",
        "jsonpath={.spec.ports[?(@.name==\"https\")].nodePort}").ok().out();
    Awaitility.await("the https NodePort from the host").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertTrue(run("curl", "-sk", "https://127.0.0.1:" + nodePort).contains("<title>Welcome to nginx!</title>")));
    kubectl.run("delete", "namespace", ns, "--wait=false").ok();
  }

  /**
   * "Deploying PHP Guestbook application with Redis" as written: the leader, follower and frontend Deployments and
   * Services in the default namespace, {@code kubectl port-forward svc/frontend 8080:80}, a message sent through
   * the frontend (written to {@code redis-leader}, read back from {@code redis-follower}, found by the followers
   * through the cluster DNS), the follower's copy read with {@code redis-cli}, then the frontend scaled up.
   */
  @Test
  @Order(3)
  void theGuestbookTutorialWritesThroughTheLeaderAndReadsFromTheFollowers() throws Exception {
    kubectl.run("apply", "-f", manifest("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: redis-leader, labels: {app: redis, role: leader, tier: backend}}
        spec:
          replicas: 1
          selector: {matchLabels: {app: redis}}
          template:
            metadata: {labels: {app: redis, role: leader, tier: backend}}
            spec:
              containers:
              - name: leader
                image: "docker.io/redis:6.0.5"
                resources: {requests: {cpu: 100m, memory: 100Mi}}
                ports: [{containerPort: 6379}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis-leader, labels: {app: redis, role: leader, tier: backend}}
        spec:
          ports: [{port: 6379, targetPort: 6379}]
          selector: {app: redis, role: leader, tier: backend}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: redis-follower, labels: {app: redis, role: follower, tier: backend}}
        spec:
          replicas: 2
          selector: {matchLabels: {app: redis}}
          template:
            metadata: {labels: {app: redis, role: follower, tier: backend}}
            spec:
              containers:
              - name: follower
                image: us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2
                resources: {requests: {cpu: 100m, memory: 100Mi}}
                ports: [{containerPort: 6379}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: redis-follower, labels: {app: redis, role: follower, tier: backend}}
        spec:
          ports: [{port: 6379}]
          selector: {app: redis, role: follower, tier: backend}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: frontend}
        spec:
          replicas: 3
          selector: {matchLabels: {app: guestbook, tier: frontend}}
          template:
            metadata: {labels: {app: guestbook, tier: frontend}}
            spec:
              containers:
              - name: php-redis
                image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5
                env: [{name: GET_HOSTS_FROM, value: "dns"}]
                resources: {requests: {cpu: 100m, memory: 100Mi}}
                ports: [{containerPort: 80}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: frontend, labels: {app: guestbook, tier: frontend}}
        spec:
          ports: [{port: 80}]
          selector: {app: guestbook, tier: frontend}
        """)).ok();
    for (String d : List.of("redis-leader", "redis-follower", "frontend")) {
      kubectl.run("rollout", "status", "deployment/" + d, "--timeout=180s").ok();
    }
    String follower = kubectl.run("get", "pods", "-l", "app=redis,role=follower", "-o",
        "jsonpath={.items[0].metadata.name}").ok().out();
    Awaitility.await("the followers replicate from redis-leader").atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> {
          Kubectl.Result info = kubectl.run("exec", follower, "--", "redis-cli", "info", "replication");
          assertTrue(info.out().contains("master_host:redis-leader\r\nmaster_port:6379\r\nmaster_link_status:up\r\n"),
              info + "\n" + kubectl.run("logs", follower).out());
        });
    int port = DekubeProcess.freePort();
    Process pf = kubectl.start("port-forward", "svc/frontend", port + ":80");
    try {
      String base = "http://127.0.0.1:" + port + "/";
      Awaitility.await("the frontend through port-forward").atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> run("curl", "-s", base).contains("<title>Guestbook</title>"));
      assertEquals("{\"message\": \"Updated\"}", run("curl", "-s", "-d", "",
          base + "guestbook.php?cmd=set&key=messages&value=hello,dekube"));
      Awaitility.await("the message read back from a follower").atMost(Duration.ofSeconds(30))
          .until(() -> run("curl", "-s", base + "guestbook.php?cmd=get&key=messages")
              .equals("{\"data\": \"hello,dekube\"}"));
      assertEquals("hello,dekube\n", kubectl.run("exec", follower, "--", "redis-cli", "get", "messages").ok().out());
      Kubectl.Result write = kubectl.run("exec", follower, "--", "redis-cli", "set", "messages", "x");
      assertEquals("READONLY You can't write against a read only replica.\n\n", write.out());
    } finally {
      Kubectl.destroyTree(pf);
    }
    kubectl.run("scale", "deployment", "frontend", "--replicas=5").ok();
    kubectl.run("rollout", "status", "deployment/frontend", "--timeout=180s").ok();
    assertEquals("5", kubectl.run("get", "deployment", "frontend", "-o", "jsonpath={.status.readyReplicas}").ok()
        .out());
    String ip = kubectl.run("get", "svc", "frontend", "-o", "jsonpath={.spec.clusterIP}").ok().out();
    assertEquals("{\"data\": \"hello,dekube\"}", run("curl", "-s", "--max-time", "10",
        "http://" + ip + "/guestbook.php?cmd=get&key=messages"));
  }

  /**
   * "Use Port Forwarding to Access Applications in a Cluster" as written: the page's {@code mongo:5.0} Deployment
   * and its Service, the pod's containerPort read with kubectl's template, {@code kubectl port-forward} to the pod,
   * {@code deployment/mongo}, the ReplicaSet and {@code service/mongo}, and MongoDB's Java driver on this host
   * pinging and writing through each forward; {@code mongosh} in the pod reads what it wrote.
   */
  @Test
  @Order(3)
  void thePortForwardingPageReachesMongoFromThisHost() throws Exception {
    kubectl.run("apply", "-f", manifest("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: mongo, labels: {app: mongo}}
        spec:
          selector: {matchLabels: {app: mongo}}
          replicas: 1
          template:
            metadata: {labels: {app: mongo}}
            spec:
              containers:
              - name: mongo
                image: mongo:5.0
                resources: {requests: {cpu: 100m, memory: 100Mi}}
                ports: [{containerPort: 27017}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: mongo, labels: {app: mongo}}
        spec:
          ports: [{port: 27017, targetPort: 27017}]
          selector: {app: mongo}
        """)).ok();
    kubectl.run("rollout", "status", "deployment/mongo", "--timeout=180s").ok();
    String pod = kubectl.run("get", "pods", "-l", "app=mongo", "-o", "jsonpath={.items[0].metadata.name}").ok().out();
    String rs = kubectl.run("get", "replicaset", "-l", "app=mongo", "-o", "jsonpath={.items[0].metadata.name}").ok()
        .out();
    assertEquals("27017\n", kubectl.run("get", "pod", pod,
        "--template={{(index (index .spec.containers 0).ports 0).containerPort}}{{\"\\n\"}}").ok().out());
    int n = 0;
    for (String target : List.of(pod, "pods/" + pod, "deployment/mongo", "replicaset/" + rs, "service/mongo")) {
      int port = DekubeProcess.freePort();
      Process pf = kubectl.start("port-forward", target, port + ":27017");
      String uri = "mongodb://127.0.0.1:" + port + "/?directConnection=true&serverSelectionTimeoutMS=3000";
      int doc = ++n;
      try {
        Awaitility.await("mongo through port-forward " + target).atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .untilAsserted(() -> {
              try (com.mongodb.client.MongoClient client = com.mongodb.client.MongoClients.create(uri)) {
                assertEquals(1.0, client.getDatabase("test").runCommand(new org.bson.Document("ping", 1)).get("ok"));
                client.getDatabase("test").getCollection("forwards").insertOne(new org.bson.Document("_id", doc)
                    .append("target", target));
              }
            });
      } finally {
        Kubectl.destroyTree(pf);
      }
    }
    assertEquals("{ ok: 1 }\n", kubectl.run("exec", pod, "--", "mongosh", "--quiet", "--eval",
        "db.runCommand( { ping: 1 } )").ok().out());
    assertEquals("5\n", kubectl.run("exec", pod, "--", "mongosh", "--quiet", "--eval",
        "db.forwards.countDocuments()").ok().out());
    assertTrue(kubectl.run("logs", pod).ok().out().contains("\"msg\":\"Waiting for connections\",\"attr\":"
        + "{\"port\":27017,\"ssl\":\"off\"}}"));
    kubectl.run("delete", "deployment", "mongo").ok();
    kubectl.run("delete", "service", "mongo").ok();
  }

  @Test
  @Order(Integer.MAX_VALUE) // last: it replaces the pods
  void aRollingUpdateLosesNoRequestThroughTheIngress() throws Exception {
    List<String> answers = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicLong lastV2Only = new AtomicLong(Long.MAX_VALUE);
    AtomicBoolean stop = new AtomicBoolean();
    Thread loop = new Thread(() -> {
      while (!stop.get()) { // one request after the other, without pause
        long t0 = System.nanoTime();
        try {
          answers.add(t0 + " " + group(getThroughIngress(), "version: (\\S+)"));
        } catch (Exception e) {
          failures.add(LocalTime.now() + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms: "
              + e);
        }
      }
    }, "rollout-client");
    loop.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> answers.size() >= 20);
      kubectl.run("-n", "kube-decon", "set", "image", "deployment/kube-decon", "kube-decon=carsonoid/kube-decon:v2")
          .ok();
      kubectl.run("-n", "kube-decon", "rollout", "status", "deployment/kube-decon", "--timeout=180s").ok();
      long done = System.nanoTime();
      lastV2Only.set(done + TimeUnit.SECONDS.toNanos(2)); // the old pods' endpoints are gone by then
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> answers.stream()
          .filter(a -> Long.parseLong(a.split(" ")[0]) >= lastV2Only.get()).count() >= 50);
    } finally {
      stop.set(true);
      loop.join(TimeUnit.SECONDS.toMillis(30));
    }
    System.out.printf("NetworkingE2E rollout: %d answers, %d failed %s%n", answers.size(), failures.size(), failures);
    if (!failures.isEmpty()) { // what the ingress and the kubelets said meanwhile
      dekube.logLines().stream().filter(l -> l.contains("NextUpstream") || l.contains("IngressProxy")
          || l.contains("kube-decon")).forEach(System.out::println);
    }
    assertEquals(List.of(), failures, "failed requests during the rollout (of " + answers.size() + ")");
    assertTrue(answers.stream().anyMatch(a -> a.endsWith(" v1")) && answers.stream().anyMatch(a -> a.endsWith(" v2")),
        "v1, then v2");
    List<String> afterwards = answers.stream().filter(a -> Long.parseLong(a.split(" ")[0]) >= lastV2Only.get())
        .map(a -> a.split(" ")[1]).distinct().toList();
    assertEquals(List.of("v2"), afterwards, "only v2 once rolled out");
  }

  /** One {@code GET /} through the ingress with the talk's Host, on a connection of its own, as curl does. */
  private static String getThroughIngress() throws IOException {
    try (Socket s = new Socket("127.0.0.1", ingressPort)) {
      s.setSoTimeout(30_000);
      s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!answer.startsWith("HTTP/1.1 200")) {
        throw new IOException("answered " + answer.lines().findFirst().orElse("nothing"));
      }
      return answer;
    }
  }

  /** The pods that answer {@code curl <args>} (the {@code pod:} line of kube-decon's answer), until two did. */
  private static Set<String> answersFrom(List<String> curlArgs) throws Exception {
    Set<String> seen = new HashSet<>();
    Awaitility.await("answers from both pods").atMost(Duration.ofSeconds(30)).until(() -> {
      List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "5"));
      cmd.addAll(curlArgs);
      Matcher m = Pattern.compile("(?m)^pod: (\\S+)$").matcher(run(cmd.toArray(String[]::new)));
      if (m.find()) {
        seen.add(m.group(1));
      }
      return seen.size() >= 2;
    });
    return seen;
  }

  private static String dig(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "+short", "@" + DNS, "-p", Integer.toString(dnsPort)));
    cmd.addAll(List.of(args));
    return run(cmd.toArray(String[]::new)).strip();
  }

  private static String manifest(String yaml) throws IOException {
    Path f = Files.createTempFile(tmp, "manifest", ".yaml");
    Files.writeString(f, yaml);
    return f.toString();
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new AssertionError("no " + regex + " in " + text);
    }
    return m.group(1);
  }

  static String run(String... cmd) throws Exception {
    Kubectl.Result r = Kubectl.runBounded(new ProcessBuilder(cmd), 30);
    return r.out() + r.err();
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
