package io.dekube.kubeproxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rendered rules applied for real (root only; skipped otherwise): a "node" network namespace
 * with a bridge, two "pods" (namespaces on veths into the bridge, each a tiny TCP server that
 * answers its name) and a "client" namespace routed through the node. The client reaches both
 * pods through the ClusterIP and through a NodePort of the node, only because of the DNAT rules
 * kube-proxy's iptables mode writes. Traffic stays inside those namespaces.
 */
class IptablesNetnsIT {

  private final String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
  private final int net = ThreadLocalRandom.current().nextInt(10, 250);
  private final String node = "dkp" + id + "n";
  private final String cli = "dkp" + id + "c";
  private final List<String> pods = List.of("dkp" + id + "a", "dkp" + id + "b");
  private final List<Process> servers = new ArrayList<>();
  private Path dir;

  @BeforeEach
  void network() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip"))
        || Files.isExecutable(Path.of("/usr/bin/ip")), "needs ip (iproute2)");
    assumeTrue(IptablesApplier.available(), "needs iptables-restore");
    dir = Files.createTempDirectory("dkp-netns");
    String bridge = "dkb" + id;
    sh("ip netns add " + node, "ip netns add " + cli,
        "ip netns exec " + node + " ip link set lo up",
        "ip netns exec " + node + " sysctl -qw net.ipv4.ip_forward=1",
        "ip netns exec " + node + " ip link add " + bridge + " type bridge",
        "ip netns exec " + node + " ip addr add 10." + net + ".1.1/24 dev " + bridge,
        "ip netns exec " + node + " ip link set " + bridge + " up",
        // the client: routed into the node
        "ip link add dkv" + id + "c type veth peer name dkv" + id + "C",
        "ip link set dkv" + id + "c netns " + cli, "ip link set dkv" + id + "C netns " + node,
        "ip netns exec " + node + " ip addr add 10." + net + ".2.1/24 dev dkv" + id + "C",
        "ip netns exec " + node + " ip link set dkv" + id + "C up",
        "ip netns exec " + cli + " ip addr add 10." + net + ".2.2/24 dev dkv" + id + "c",
        "ip netns exec " + cli + " ip link set dkv" + id + "c up",
        "ip netns exec " + cli + " ip link set lo up",
        "ip netns exec " + cli + " ip route add default via 10." + net + ".2.1");
    for (int i = 0; i < pods.size(); i++) {
      String pod = pods.get(i);
      String v = "dkv" + id + (char) ('a' + i);
      String ip = "10." + net + ".1." + (i + 2);
      sh("ip netns add " + pod, "ip link add " + v + " type veth peer name " + v + "X",
          "ip link set " + v + " netns " + pod, "ip link set " + v + "X netns " + node,
          "ip netns exec " + node + " ip link set " + v + "X master " + bridge,
          "ip netns exec " + node + " ip link set " + v + "X up",
          "ip netns exec " + pod + " ip addr add " + ip + "/24 dev " + v,
          "ip netns exec " + pod + " ip link set " + v + " up",
          "ip netns exec " + pod + " ip link set lo up",
          "ip netns exec " + pod + " ip route add default via 10." + net + ".1.1");
      servers.add(startServer(pod, "pod-" + (char) ('a' + i)));
    }
  }

  private Process startServer(String pod, String name) throws IOException {
    Path src = dir.resolve("NameServer.java");
    Files.writeString(src, """
        import java.net.*; import java.io.*;
        public class NameServer {
          public static void main(String[] a) throws Exception {
            try (ServerSocket s = new ServerSocket(8080)) {
              System.out.println("listening"); System.out.flush();
              while (true) { try (Socket c = s.accept()) { c.getOutputStream().write((a[0] + "\\n").getBytes()); } }
            }
          }
        }
        """);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder("ip", "netns", "exec", pod, java.toString(), src.toString(), name)
        .redirectErrorStream(true).start();
    String first = new String(p.getInputStream().readNBytes("listening".length()), StandardCharsets.UTF_8);
    assertEquals("listening", first, "the pod's server must start");
    return p;
  }

  @AfterEach
  void cleanUp() throws Exception {
    servers.forEach(Process::destroyForcibly);
    List<String> all = new ArrayList<>(List.of(node, cli));
    all.addAll(pods);
    for (String ns : all) {
      exec("ip netns del " + ns);
    }
  }

  @Test
  void clientReachesBothPodsThroughTheClusterIpAndANodePort() throws Exception {
    String clusterIp = "10.96." + net + ".10";
    List<Backend> backends = List.of(new Backend("10." + net + ".1.2", 8080, true, "node", "", "a"),
        new Backend("10." + net + ".1.3", 8080, true, "node", "", "b"));
    ServicePort web = new ServicePort("default", "web", "http", "TCP", 80, 31579, "NodePort", List.of(clusterIp),
        List.of(), List.of(), false, 0, false, false, backends);
    String rules = IptablesRules.render(List.of(web), new IptablesRules.Node("node", "10." + net + ".1.0/24"));
    new IptablesApplier(List.of("ip", "netns", "exec", node)).apply(rules);

    assertEquals(Set.of("pod-a", "pod-b"), namesSeenAt(clusterIp, 80), "ClusterIP spreads over both pods");
    assertEquals(Set.of("pod-a", "pod-b"), namesSeenAt("10." + net + ".2.1", 31579), "NodePort too");

    // one endpoint left: the next render and apply sends everything to it
    ServicePort one = new ServicePort("default", "web", "http", "TCP", 80, 31579, "NodePort", List.of(clusterIp),
        List.of(), List.of(), false, 0, false, false, backends.subList(1, 2));
    new IptablesApplier(List.of("ip", "netns", "exec", node)).apply(IptablesRules.render(List.of(one),
        new IptablesRules.Node("node", "10." + net + ".1.0/24")));
    assertEquals(Set.of("pod-b"), namesSeenAt(clusterIp, 80));
  }

  private Set<String> namesSeenAt(String ip, int port) throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 40 && seen.size() < 2; i++) {
      String out = exec("ip netns exec " + cli + " timeout 5 bash -c 'exec 3<>/dev/tcp/" + ip + "/" + port
          + " && cat <&3'").strip();
      if (!out.isEmpty()) {
        seen.add(out);
      }
    }
    // a few more tries never show a third name
    return seen;
  }

  private void sh(String... commands) throws Exception {
    for (String c : commands) {
      String out = exec(c);
      if (lastExit != 0) {
        throw new IllegalStateException(c + " failed: " + out);
      }
    }
  }

  private int lastExit;

  private String exec(String command) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    lastExit = p.exitValue();
    return out;
  }
}
