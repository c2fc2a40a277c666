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
        "/etc/cassandra/cassandra.yaml", "# written by /run.sh from the environment: see the container's log\n");
  }
}
