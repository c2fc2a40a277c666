package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube's Cassandra tutorial's image: the StatefulSet's pods, each a node on its own pod IP, find each other through
 * the seed's DNS name (here from each pod's /etc/hosts), and {@code nodetool status} lists the nodes that are up; a
 * drained node goes down, and back at a new address on its volume it replaces its old one.
 */
class CassandraImageTest {

  private static final String SEED = "cassandra-0.cassandra.default.svc.cluster.local";
  private static final Pattern ROW = Pattern.compile("(?m)^(U|D)(N|J)  (127\\.42\\.0\\.\\d) +(\\d+(?:\\.\\d+)? KiB) +"
      + "(32) +(\\d+\\.\\d%|\\?) +([0-9a-f-]{36})  Rack1-K8Demo$");

  @TempDir
  Path dir;

  @Test
  void threePodsGossipThroughTheSeedAndNodetoolShowsThem() throws Exception {
    List<ImageUnderTest> pods = new ArrayList<>();
    try {
      ImageUnderTest c1 = start(1, "127.42.0.2");
      pods.add(c1);
      c1.awaitLog("cassandra", "JOINING: waiting for ring information");
      assertEquals(1, probe(c1),
          "a node that has not joined is not ready");
      assertTrue(c1.exec("nodetool", "status").contains("\nUJ  127.42.0.2  "), c1.exec("nodetool", "status"));

      ImageUnderTest c0 = start(0, "127.42.0.1");
      pods.add(c0);
      c0.awaitLog("cassandra", "Starting listening for CQL clients on /127.42.0.1:9042 (unencrypted)...");
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> c1.log("cassandra").contains(
          "Starting listening for CQL clients on /127.42.0.2:9042 (unencrypted)..."));
      ImageUnderTest c2 = start(2, "127.42.0.3");
      pods.add(c2);
      String status = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> c0.exec("nodetool", "status"), s -> count(s, "UN") == 3);
      assertTrue(status.startsWith("Datacenter: DC1-K8Demo\n======================\nStatus=Up/Down\n"
          + "|/ State=Normal/Leaving/Joining/Moving\n--  Address     Load       Tokens       Owns (effective)  "
          + "Host ID                               Rack\n"), status);
      assertTrue(status.endsWith("  Rack1-K8Demo\n\n"), status);
      double owns = 0;
      Matcher m = ROW.matcher(status);
      while (m.find()) {
        owns += Double.parseDouble(m.group(6).replace("%", ""));
      }
      assertEquals(200.0, owns, 0.3, status);
      assertEquals(0, probe(c0));
      assertEquals("ReleaseVersion: 3.11.2\n", c0.exec("nodetool", "version"));
      StringBuffer onTty = new StringBuffer(); // kubectl exec -it cassandra-0 -- nodetool ...
      var tty = c0.container.exec(List.of("nodetool", "version"), new io.dekube.kubelet.runtime.ExecSession.Output() {
        @Override
        public void stdout(io.vertx.core.buffer.Buffer data) {
          onTty.append(data);
        }

        @Override
        public void stderr(io.vertx.core.buffer.Buffer data) {
          onTty.append("stderr:").append(data);
        }
      }, true);
      tty.exitCode().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals("ReleaseVersion: 3.11.2\r\n", onTty.toString());
      assertEquals("\u0000Connection error: ('Unable to connect to any servers', {'127.0.0.1': ProtocolException('dekube's "
          + "cassandra image has no CQL engine: only gossip, nodetool and the ready probe are built')})\n",
          c0.exec("cqlsh"));
      String ps = c0.exec("ps", "-ef");
      assertTrue(ps.matches("(?s).*\nroot +1 +0 .* /sbin/dumb-init /bin/bash /run.sh\nroot +\\d+ +1 .* java .*-Xms512M "
          + "-Xmx512M -Xmn100M .*org.apache.cassandra.service.CassandraDaemon\n.*"), ps);
      assertEquals("\u0000nodetool: Found unexpected parameters: [nosuch]\n"
          + "See 'nodetool help' or 'nodetool help <command>'.\n", c0.exec("nodetool", "nosuch"));
      assertEquals("\u0000nodetool: The keyspace ks, does not exist\n"
          + "See 'nodetool help' or 'nodetool help <command>'.\n", c0.exec("nodetool", "status", "ks"));
      assertTrue(c0.exec("nodetool", "status", "system_auth").contains("Owns (effective)"));

      String log1 = c1.log("cassandra");
      for (String line : List.of("Handshaking version with /127.42.0.1", "JOINING: Finish joining ring",
          "Node /127.42.0.2 state jump to NORMAL", "Node /127.42.0.1 is now part of the cluster",
          "InetAddress /127.42.0.1 is now UP", "CASSANDRA_SEEDS " + SEED)) {
        assertTrue(log1.contains(line), line + " in\n" + log1);
      }
      assertTrue(Pattern.compile("INFO  \\[main\\] \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} "
          + "StorageService.java:2289 - Node /127.42.0.2 state jump to NORMAL\n").matcher(log1).find(), log1);
      String hostId2 = hostId(status, "127.42.0.3");

      assertEquals("", c2.exec("/bin/sh", "-c", "nodetool drain")); // the preStop hook
      c2.awaitLog("cassandra", "DRAINED");
      assertTrue(c2.log("cassandra").contains("Stop listening for CQL clients"));
      assertEquals(1, probe(c2));
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
          .until(() -> c0.exec("nodetool", "status"), s -> s.contains("\nDN  127.42.0.3  "));
      c0.awaitLog("cassandra", "InetAddress /127.42.0.3 is now DOWN");
      c2.close();
      pods.remove(c2);

      ImageUnderTest again = start(2, "127.42.0.4"); // re-created on its volume, at a new address
      pods.add(again);
      String after = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> c0.exec("nodetool", "status"), s -> s.contains("\nUN  127.42.0.4  ")
              && !s.contains("127.42.0.3"));
      assertEquals(hostId2, hostId(after, "127.42.0.4"), after);
      assertEquals(3, count(after, "UN"), after);
      assertTrue(again.log("cassandra").contains("Loading persisted ring state"));

      String hostId1 = hostId(after, "127.42.0.2");
      assertEquals("\u0000error: Node /127.42.0.2 is alive and owns this ID. Use decommission command to remove it "
          + "from the ring\n-- StackTrace --\njava.lang.UnsupportedOperationException: Node /127.42.0.2 is alive and "
          + "owns this ID. Use decommission command to remove it from the ring\n", c0.exec("nodetool", "removenode",
          hostId1));
      c1.close(); // gone for good (scaled down): down, and listed until removenode
      pods.remove(c1);
      c0.awaitLog("cassandra", "Node /127.42.0.2 state jump to shutdown"); // its SIGTERM's announcement
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
          .until(() -> c0.exec("nodetool", "status"), s -> s.contains("\nDN  127.42.0.2  "));
      assertEquals("", c0.exec("nodetool", "removenode", hostId1));
      assertTrue(!c0.exec("nodetool", "status").contains("127.42.0.2"));
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
          .until(() -> again.exec("nodetool", "status"), s -> !s.contains("127.42.0.2") && count(s, "UN") == 2);
      again.awaitLog("cassandra", "for /127.42.0.2");
      assertEquals(0, probe(again));
      again.exec("rm", "/ready-probe.sh");
      assertEquals(127, probe(again));
    } finally {
      for (ImageUnderTest p : pods) {
        p.close();
      }
    }
  }

  @Test
  void nodetoolBeforeTheNodeRunsCannotConnect() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir.resolve("x"), "127.42.0.9")) {
      Container c = new ContainerBuilder().withName("cassandra").withImage("gcr.io/google-samples/cassandra:v13")
          .withCommand("sh", "-c", "exit 0").build();
      try {
        t.start("cassandra-9", c, Map.of());
      } catch (java.util.concurrent.ExecutionException e) {
        assertTrue(e.getCause().getMessage().contains("runs only its /run.sh"), e.getCause().getMessage());
      }
    }
  }

  /** The StatefulSet's readinessProbe, {@code /bin/bash -c /ready-probe.sh}: its exit code. */
  private static int probe(ImageUnderTest pod) throws Exception {
    var session = pod.container.exec(List.of("/bin/bash", "-c", "/ready-probe.sh"),
        new io.dekube.kubelet.runtime.ExecSession.Output() {
          @Override
          public void stdout(io.vertx.core.buffer.Buffer data) {
          }

          @Override
          public void stderr(io.vertx.core.buffer.Buffer data) {
          }
        });
    return session.exitCode().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static int count(String status, String state) {
    int n = 0;
    Matcher m = ROW.matcher(status);
    while (m.find()) {
      n += (m.group(1) + m.group(2)).equals(state) ? 1 : 0;
    }
    return n;
  }

  private static String hostId(String status, String ip) {
    Matcher m = ROW.matcher(status);
    while (m.find()) {
      if (m.group(3).equals(ip)) {
        return m.group(7);
      }
    }
    return null;
  }

  private ImageUnderTest start(int ordinal, String ip) throws Exception {
    ImageUnderTest t = new ImageUnderTest(dir.resolve("cassandra-" + ordinal + "-" + ip), ip);
    String name = "cassandra-" + ordinal;
    StringBuilder hosts = new StringBuilder("127.0.0.1\tlocalhost\n");
    hosts.append(ip).append('\t').append(name).append(".cassandra.default.svc.cluster.local\t").append(name)
        .append('\n');
    if (ordinal != 0) { // what the cluster DNS answers for the seed
      hosts.append("127.42.0.1\t").append(SEED).append('\n');
    }
    t.etcHosts = hosts.toString();
    Path volume = Files.createDirectories(dir.resolve("cassandra-data-" + name));
    Container c = new ContainerBuilder().withName("cassandra").withImage("gcr.io/google-samples/cassandra:v13")
        .build();
    t.start(name, c, Map.of("HOSTNAME", name, "MAX_HEAP_SIZE", "512M", "HEAP_NEWSIZE", "100M", "CASSANDRA_SEEDS",
        SEED, "CASSANDRA_CLUSTER_NAME", "K8Demo", "CASSANDRA_DC", "DC1-K8Demo", "CASSANDRA_RACK", "Rack1-K8Demo",
        "POD_IP", ip), Map.of("/cassandra_data", volume));
    return t;
  }
}
