package io.dekube.kubelet.images.zookeeper;

import java.util.List;
import java.util.Map;

/**
 * The files of the kubernetes-zookeeper image that its container shows (its user {@code zookeeper}, uid and gid
 * 1000 — the tutorial's {@code runAsUser} and {@code fsGroup} — is in {@link io.dekube.kubelet.images.ImageFiles}'
 * Debian users): the scripts in {@code /usr/bin} — which the kubelet
 * runs itself ({@code rm /usr/bin/zookeeper-ready} still makes the probes fail) — and the folders it makes.
 * Pure; no ZooKeeper class is loaded by it.
 */
public final class ZooKeeperFiles {

  /** The image's own folders. */
  public static final List<String> FOLDERS = List.of("/opt/zookeeper/conf", "/opt/zookeeper/lib",
      "/var/lib/zookeeper/data", "/var/lib/zookeeper/log", "/var/log/zookeeper", "/usr/share/zookeeper",
      "/tmp/zookeeper", "/home/zookeeper");

  private ZooKeeperFiles() {
  }

  /**
   * What {@code ps} shows of the container's command: {@code sh -c "start-zookeeper ..."} and the JVM that
   * {@code zkServer.sh start-foreground} execs, with the {@code --heap} the script put in {@code java.env}.
   */
  public static List<String> processes(List<String> argv) {
    if (argv.size() < 3 || !argv.get(1).equals("-c") || !argv.get(2).contains("start-zookeeper")) {
      return List.of(String.join(" ", argv));
    }
    java.util.regex.Matcher heap = java.util.regex.Pattern.compile("--heap=(\\S+)").matcher(argv.get(2));
    String h = heap.find() ? heap.group(1) : "2G";
    String lib = "/usr/bin/../share/zookeeper/";
    return List.of(argv.get(0) + " -c " + argv.get(2).strip(), "/usr/lib/jvm/java-8-openjdk-amd64/bin/java "
        + "-Dzookeeper.log.dir=/var/log/zookeeper -Dzookeeper.root.logger=INFO,CONSOLE -cp /usr/bin/../build/classes:"
        + "/usr/bin/../build/lib/*.jar:" + lib + "zookeeper-3.4.10.jar:" + lib + "slf4j-log4j12-1.6.1.jar:" + lib
        + "slf4j-api-1.6.1.jar:" + lib + "netty-3.10.5.Final.jar:" + lib + "log4j-1.2.16.jar:" + lib
        + "jline-0.9.94.jar:/usr/bin/../src/java/lib/*.jar:/usr/bin/../etc/zookeeper: -Xmx" + h + " -Xms" + h
        + " -Dcom.sun.management.jmxremote -Dcom.sun.management.jmxremote.local.only=false "
        + "org.apache.zookeeper.server.quorum.QuorumPeerMain /usr/bin/../etc/zookeeper/zoo.cfg");
  }

  /** Path → text. */
  public static Map<String, String> files() {
    String script = "#!/usr/bin/env bash\n# run by dekube's kubelet: see BuiltInImages\n";
    return Map.of(
        "/usr/bin/start-zookeeper", script,
        "/usr/bin/zookeeper-ready", script,
        "/usr/bin/zookeeper-metrics", script,
        "/usr/bin/zkCli.sh", script,
        "/usr/bin/zkServer.sh", script);
  }
}
