package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 with the real kubectl, curl and dig against one {@code ./dekube up}: Services get
 * ClusterIPs that answer (userspace kube-proxy), the ingress routes by host, the cluster DNS answers
 * A, headless, SRV, NXDOMAIN and FORMERR, a LoadBalancer Service answers on its pool address, a
 * taken nodePort is refused. The backends are two HTTP servers of this test on pod-like addresses,
 * listed in EndpointSlices written with kubectl (Services without selector, as for external
 * endpoints). Random service CIDR and LB pool, so parallel clusters on this machine never share an
 * address.
 */
class NetworkingE2E {

  private static final String HOST = "kube-decon.kubecon.carson-anderson.com";
  private static final int OCTET = ThreadLocalRandom.current().nextInt(60, 95);
  private static final String CIDR = "127." + OCTET + ".0.0/16";
  private static final String POOL = "127." + ThreadLocalRandom.current().nextInt(201, 240) + "."
      + ThreadLocalRandom.current().nextInt(1, 250) + ".0/24";
  private static final List<String> PODS = List.of("127." + OCTET + ".250.2", "127." + OCTET + ".250.3");

  @TempDir
  static Path tmp;
  private static DekubeProcess dekube;
  private static Kubectl kubectl;
  private static Vertx vertx;
  private static int backendPort;
  private static int dnsPort;
  private static int ingressPort;

  @BeforeAll
  static void cluster() throws Exception {
    Kubectl.requireOnPath();
    assumeTrue(onPath("curl") && onPath("dig"), "curl and dig (.ci/run installs them)");
    vertx = Vertx.vertx();
    backendPort = 0;
    for (int i = 0; i < PODS.size(); i++) {
      String name = "pod-" + (char) ('a' + i);
      HttpServer s = vertx.createHttpServer().requestHandler(r -> r.response().end(name + "\n"));
      backendPort = s.listen(backendPort, PODS.get(i)).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).actualPort();
    }
    dekube = DekubeProcess.up(tmp.resolve("state"), "--service-cidr", CIDR, "--lb-pool", POOL);
    kubectl = new Kubectl(dekube.kubeconfig());
    String ready = dekube.stdout().stream().filter(l -> l.startsWith("dekube ready:")).findFirst().orElseThrow();
    dnsPort = Integer.parseInt(group(ready, "dns 127\\.96\\.0\\.10:(\\d+)"));
    ingressPort = Integer.parseInt(group(ready, "ingress http://127\\.0\\.0\\.1:(\\d+)"));
    kubectl.run("create", "namespace", "kube-decon").ok();
    kubectl.run("-n", "kube-decon", "apply", "-f", manifest("""
        apiVersion: v1
        kind: Service
        metadata: {name: kube-decon}
        spec: {ports: [{name: http, protocol: TCP, port: 80, targetPort: %1$d}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web-headless}
        spec: {clusterIP: None, ports: [{name: http, port: %1$d}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web-lb}
        spec: {type: LoadBalancer, ports: [{name: http, port: 80, targetPort: %1$d}]}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: kube-decon}
        spec:
          rules:
          - host: %2$s
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: kube-decon, port: {number: 80}}}}]}
          - host: missing.example
            http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: nothere, port: {number: 80}}}}]}
        """.formatted(backendPort, HOST) + slice("kube-decon") + slice("web-headless") + slice("web-lb"))).ok();
  }

  private static String slice(String service) {
    return """
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: %1$s-manual, labels: {kubernetes.io/service-name: %1$s}}
        addressType: IPv4
        ports: [{name: http, port: %2$d, protocol: TCP}]
        endpoints:
        - {addresses: [%3$s], conditions: {ready: true}}
        - {addresses: [%4$s], conditions: {ready: true}}
        """.formatted(service, backendPort, PODS.get(0), PODS.get(1));
  }

  @AfterAll
  static void stop() throws Exception {
    if (dekube != null) {
      dekube.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void clusterIpIsShownAndAnswersFromBothPods() throws Exception {
    String ip = kubectl.run("-n", "kube-decon", "get", "svc", "kube-decon", "-o", "jsonpath={.spec.clusterIP}").ok()
        .out();
    assertTrue(ip.startsWith("127." + OCTET + "."), ip);
    assertTrue(kubectl.run("-n", "kube-decon", "get", "svc").ok().out().contains(ip), "CLUSTER-IP column");
    assertEquals(Set.of("pod-a", "pod-b"), answersFrom(List.of("http://" + ip + "/")));
  }

  @Test
  void ingressRoutesTheTalksHostToBothPodsAndNamesAMissingService() throws Exception {
    assertEquals(Set.of("pod-a", "pod-b"), answersFrom(List.of("-H", "Host: " + HOST,
        "http://127.0.0.1:" + ingressPort + "/")));
    String missing = run("curl", "-s", "-w", " %{http_code}", "-H", "Host: missing.example",
        "http://127.0.0.1:" + ingressPort + "/");
    assertTrue(missing.endsWith(" 503") && missing.contains("nothere"), missing);
    Awaitility.await("the Ingress status gets the address").atMost(Duration.ofSeconds(30)).until(() ->
        kubectl.run("-n", "kube-decon", "get", "ing", "kube-decon", "-o",
            "jsonpath={.status.loadBalancer.ingress[0].ip}").out().equals("127.0.0.1"));
  }

  @Test
  void dnsAnswersServicesHeadlessSrvAndNxdomain() throws Exception {
    String ip = kubectl.run("-n", "kube-decon", "get", "svc", "kube-decon", "-o", "jsonpath={.spec.clusterIP}").ok()
        .out();
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> dig("kube-decon.kube-decon.svc.cluster.local")
        .equals(ip));
    assertEquals(PODS.get(0) + "\n" + PODS.get(1), dig("web-headless.kube-decon.svc.cluster.local"));
    assertEquals("0 100 80 kube-decon.kube-decon.svc.cluster.local.",
        dig("-t", "SRV", "_http._tcp.kube-decon.kube-decon.svc.cluster.local"));
    String nx = run("dig", "@127.96.0.10", "-p", Integer.toString(dnsPort), "nothere.kube-decon.svc.cluster.local");
    assertTrue(nx.contains("status: NXDOMAIN") && nx.contains("SOA"), nx);
    assertEquals(ip, run("dig", "+short", "+tcp", "@127.96.0.10", "-p", Integer.toString(dnsPort),
        "kube-decon.kube-decon.svc.cluster.local").strip(), "TCP too");
  }

  @Test
  void malformedDnsPacketGetsFormErrAndTheServerGoesOn() throws Exception {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSoTimeout(5_000);
      byte[] junk = {0x0b, 0x0e, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
      s.send(new DatagramPacket(junk, junk.length, InetAddress.getByName("127.96.0.10"), dnsPort));
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
    assertEquals(Set.of("pod-a", "pod-b"), answersFrom(List.of("http://" + lb + "/")));
  }

  @Test
  void aTakenNodePortIsRefused() throws Exception {
    int port = ThreadLocalRandom.current().nextInt(30_100, 32_700);
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

  private static Set<String> answersFrom(List<String> curlArgs) throws Exception {
    Set<String> seen = new HashSet<>();
    Awaitility.await("answers from both pods").atMost(Duration.ofSeconds(30)).until(() -> {
      List<String> cmd = new ArrayList<>(List.of("curl", "-s", "--max-time", "5"));
      cmd.addAll(curlArgs);
      String out = run(cmd.toArray(String[]::new)).strip();
      if (!out.isEmpty()) {
        seen.add(out);
      }
      return seen.size() >= 2;
    });
    return seen;
  }

  private static String dig(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("dig", "+short", "@127.96.0.10", "-p", Integer.toString(dnsPort)));
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
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
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
