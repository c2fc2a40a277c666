package io.dekube.kubelet.images.cassandra;

import java.util.List;
import java.util.Map;

/**
 * The files of the {@code cassandra:v13} image that its container shows: {@code /run.sh}, {@code /ready-probe.sh}
 * (the kubelet runs both itself: removing the probe's script still makes the probe fail), Cassandra's programs and
 * configuration folder and the data folder the StatefulSet mounts its volume on. Pure.
 */
public final class CassandraFiles {

  /** The image's own folders. */
  public static final List<String> FOLDERS = List.of(CassandraImage.DATA, "/etc/cassandra",
      "/usr/local/apache-cassandra-" + CassandraImage.VERSION + "/lib");

  private CassandraFiles() {
  }

  /**
   * What {@code ps} shows of the image's processes: {@code dumb-init} running {@code /run.sh} as PID 1 and the JVM
   * the script execs Cassandra in, with the heap of {@code MAX_HEAP_SIZE} and {@code HEAP_NEWSIZE} as
   * {@code cassandra-env.sh} passes it.
   */
  public static List<String> processes(io.fabric8.kubernetes.api.model.Container c) {
    java.util.Map<String, String> env = new java.util.HashMap<>();
    if (c.getEnv() != null) {
      c.getEnv().stream().filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
    }
    String heap = env.getOrDefault("MAX_HEAP_SIZE", "512M");
    String young = env.getOrDefault("HEAP_NEWSIZE", "100M");
    return List.of("/sbin/dumb-init /bin/bash /run.sh", "java -Xloggc:/var/log/cassandra/gc.log -ea "
        + "-XX:+UseThreadPriorities -XX:ThreadPriorityPolicy=42 -XX:+HeapDumpOnOutOfMemoryError -Xss256k "
        + "-XX:StringTableSize=1000003 -XX:+AlwaysPreTouch -XX:-UseBiasedLocking -XX:+UseTLAB -XX:+ResizeTLAB "
        + "-XX:+UseNUMA -XX:+PerfDisableSharedMem -Djava.net.preferIPv4Stack=true -XX:+UseParNewGC "
        + "-XX:+UseConcMarkSweepGC -Xms" + heap + " -Xmx" + heap + " -Xmn" + young
        + " -Dcassandra.migration_task_wait_in_seconds=1 "
        + "-Dcassandra.ring_delay_ms=" + CassandraNode.RING_DELAY_MS + " -Dcassandra.storagedir=/var/lib/cassandra "
        + "-cp /etc/cassandra:/usr/local/apache-cassandra-" + CassandraImage.VERSION + "/lib/* "
        + "org.apache.cassandra.service.CassandraDaemon");
  }

  /** Path → text. */
  public static Map<String, String> files() {
    // no #! line: the built-in shell would run the text of a script whose #! names a shell, not the image's program
    String script = "# run by dekube's kubelet: see CassandraImage\n";
    String bin = "/usr/local/apache-cassandra-" + CassandraImage.VERSION + "/bin/";
    return Map.of(
        "/run.sh", script,
        "/ready-probe.sh", script,
        bin + "nodetool", script,
        bin + "cassandra", script,
        bin + "cqlsh", script,
        "/etc/cassandra/cassandra.yaml", "# written by /run.sh from the environment: see the container's log\n");
  }
}
