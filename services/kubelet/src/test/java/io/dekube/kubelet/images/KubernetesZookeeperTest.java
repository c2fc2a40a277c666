package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.StaticHostProvider;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube's ZooKeeper tutorial's image: three pods of the StatefulSet, each a real ZooKeeper server in this JVM on its
 * own pod IP, find each other by their DNS names (here from each pod's /etc/hosts), form a quorum, and keep what
 * they were told in their volumes.
 */
class KubernetesZookeeperTest {

  private static final String[] IPS = {"127.41.0.1", "127.41.0.2", "127.41.0.3"};

  @TempDir
  Path dir;

  @Test
  void threePodsFormAnEnsembleThatReplicatesAndKeepsItsData() throws Exception {
    List<ImageUnderTest> pods = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        pods.add(start(i));
      }
      ImageUnderTest zk0 = pods.get(0);
      assertEquals("1\n", zk0.exec("cat", "/var/lib/zookeeper/data/myid"));
      assertEquals("3\n", pods.get(2).exec("cat", "/var/lib/zookeeper/data/myid"));
      String cfg = zk0.exec("cat", "/opt/zookeeper/conf/zoo.cfg");
      assertTrue(cfg.endsWith("server.1=zk-0.zk-hs.default.svc.cluster.local:2888:3888\n"
          + "server.2=zk-1.zk-hs.default.svc.cluster.local:2888:3888\n"
          + "server.3=zk-2.zk-hs.default.svc.cluster.local:2888:3888\n"), cfg);
      zk0.awaitLog("zk", "Creating ZooKeeper log4j configuration");
      assertEquals("0\n", zk0.exec("sh", "-c", "zookeeper-ready 2181; echo $?"));
      assertEquals("1\n", zk0.exec("sh", "-c", "zookeeper-ready 2182; echo $?"));
      assertEquals("zk-1\n", pods.get(1).exec("hostname"));
      assertEquals("zk-1.zk-hs.default.svc.cluster.local\n", pods.get(1).exec("hostname", "-f"));
      assertEquals("zk-hs.default.svc.cluster.local\n", pods.get(1).exec("hostname", "-d"));
      String ps = zk0.exec("ps", "-ef");
      assertTrue(ps.startsWith("UID          PID    PPID  C STIME TTY          TIME CMD\n"), ps);
      assertTrue(ps.matches("(?s).*\nroot +1 +0 .* sh -c start-zookeeper --servers=3 --data_dir=.*\n"
          + "root +7 +1 .* /usr/lib/jvm/java-8-openjdk-amd64/bin/java .* -Xmx512M -Xms512M .*"
          + "org.apache.zookeeper.server.quorum.QuorumPeerMain /usr/bin/../etc/zookeeper/zoo.cfg\n.*"), ps);

      String created = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> zk0.exec("zkCli.sh", "create", "/hello", "world"), s -> s.contains("Created /hello"));
      assertTrue(created.startsWith("Connecting to localhost:2181\n\nWATCHER::\n\n"
          + "WatchedEvent state:SyncConnected type:None path:null\n"), created);
      String got = pods.get(1).exec("zkCli.sh", "get", "/hello");
      assertTrue(got.contains("WatchedEvent state:SyncConnected type:None path:null\nworld\n\u0000cZxid = 0x"), got);
      assertTrue(got.contains("\ndataVersion = 0\naclVersion = 0\nephemeralOwner = 0x0\ndataLength = 5\n"
          + "numChildren = 0\n"), got);
      assertEquals("world", read(IPS[2]));
      assertEquals("Connecting to localhost:2181\nWelcome to ZooKeeper!\nJLine support is enabled\n\nWATCHER::\n\n"
          + "WatchedEvent state:SyncConnected type:None path:null\n[zk: localhost:2181(CONNECTED) 0] [hello, zookeeper]\n"
          + "[zk: localhost:2181(CONNECTED) 1] world\n[zk: localhost:2181(CONNECTED) 2] Quitting...\n",
          shell(pods.get(2), "ls /\nget /hello\nquit\n").split("\u0000")[0]);
      zk0.awaitLog("zk", "[myid:1] - INFO  [");
      assertTrue(zk0.log("zk").contains("Processing ruok command from /127.41.0.1:"), zk0.log("zk"));

      assertEquals("1\n", zk0.exec("sh", "-c", "pkill nosuch; echo $?"));
      assertEquals("", zk0.exec("pkill", "java")); // "Handling Process Failure": the server's end is the container's
      assertEquals(143, zk0.exitCode());

      for (ImageUnderTest p : pods) { // the StatefulSet deleted: every server stops; their volumes stay
        p.close();
      }
      pods.clear();
      for (int i = 0; i < 3; i++) {
        pods.add(start(i));
      }
      String again = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> pods.get(2).exec("zkCli.sh", "get", "/hello"), s -> s.contains("\nworld\n"));
      assertTrue(again.contains("dataLength = 5"), again);
    } finally {
      for (ImageUnderTest p : pods) {
        p.close();
      }
    }
  }

  private ImageUnderTest start(int ordinal) throws Exception {
    ImageUnderTest t = new ImageUnderTest(dir.resolve("zk-" + ordinal), IPS[ordinal]);
    StringBuilder hosts = new StringBuilder("127.0.0.1\tlocalhost\n");
    hosts.append(IPS[ordinal]).append("\tzk-").append(ordinal).append(".zk-hs.default.svc.cluster.local\tzk-")
        .append(ordinal).append('\n');
    for (int i = 0; i < 3; i++) { // what the cluster DNS answers for the other pods
      if (i != ordinal) {
        hosts.append(IPS[i]).append("\tzk-").append(i).append(".zk-hs.default.svc.cluster.local\n");
      }
    }
    t.etcHosts = hosts.toString();
    Path volume = Files.createDirectories(dir.resolve("datadir-zk-" + ordinal));
    Container c = new ContainerBuilder().withName("zk").withImage("registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10")
        .withCommand("sh", "-c", "start-zookeeper --servers=3 --data_dir=/var/lib/zookeeper/data "
            + "--data_log_dir=/var/lib/zookeeper/data/log --conf_dir=/opt/zookeeper/conf --client_port=2181 "
            + "--election_port=3888 --server_port=2888 --tick_time=2000 --init_limit=10 --sync_limit=5 "
            + "--heap=512M --max_client_cnxns=60 --snap_retain_count=3 --purge_interval=12 "
            + "--max_session_timeout=40000 --min_session_timeout=4000 --log_level=INFO").build();
    t.start("zk-" + ordinal, c, Map.of("HOSTNAME", "zk-" + ordinal), Map.of("/var/lib/zookeeper", volume));
    return t;
  }

  /** zkCli.sh's shell in {@code pod} given {@code input} on stdin: its stdout, then its stderr after a NUL. */
  private static String shell(ImageUnderTest pod, String input) throws Exception {
    StringBuffer out = new StringBuffer();
    StringBuffer err = new StringBuffer();
    var session = pod.container.exec(List.of("zkCli.sh"), new io.dekube.kubelet.runtime.ExecSession.Output() {
      @Override
      public void stdout(io.vertx.core.buffer.Buffer data) {
        out.append(data);
      }

      @Override
      public void stderr(io.vertx.core.buffer.Buffer data) {
        err.append(data);
      }
    });
    session.stdin(io.vertx.core.buffer.Buffer.buffer(input));
    session.closeStdin();
    assertEquals(0, session.exitCode().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
    return out + "\u0000" + err;
  }

  /** /hello as a plain ZooKeeper client reads it from the server at {@code ip}. */
  private static String read(String ip) throws Exception {
    CountDownLatch connected = new CountDownLatch(1);
    ZooKeeper zk = new ZooKeeper(ip + ":2181", 10000, e -> {
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    }, false, new StaticHostProvider(List.of(new InetSocketAddress(ip, 2181))));
    try {
      assertTrue(connected.await(30, TimeUnit.SECONDS));
      return new String(zk.getData("/hello", false, null));
    } finally {
      zk.close();
    }
  }
}
