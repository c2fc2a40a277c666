package io.dekube.kubelet.images.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.RunningContainer;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicated-MySQL page's StatefulSet, container by container in the jvm runtime: {@code init-mysql}
 * ({@code mysql:5.7}, bash) writes {@code server-id.cnf} and copies the primary's or the replica's cnf; the
 * {@code xtrabackup:1.0} sidecar serves {@code xtrabackup --backup --stream=xbstream} with {@code ncat --listen};
 * the next ordinal's {@code clone-mysql} receives it with {@code ncat --recv-only | xbstream -x} and
 * {@code xtrabackup --prepare}; its sidecar reads {@code xtrabackup_binlog_info}, runs {@code CHANGE MASTER TO} and
 * {@code START SLAVE}; the clone has the rows and follows the primary. The scripts are the page's, with the pods'
 * addresses for their DNS names.
 */
class MysqlCloneTest {

  private static final String INIT = """
      set -ex
      # Generate mysql server-id from pod ordinal index.
      [[ `hostname` =~ -([0-9]+)$ ]] || exit 1
      ordinal=${BASH_REMATCH[1]}
      echo [mysqld] > /mnt/conf.d/server-id.cnf
      # Add an offset to avoid reserved server-id=0 value.
      echo server-id=$((100 + $ordinal)) >> /mnt/conf.d/server-id.cnf
      # Copy appropriate conf.d files from config-map to emptyDir.
      if [[ $ordinal -eq 0 ]]; then
        cp /mnt/config-map/primary.cnf /mnt/conf.d/
      else
        cp /mnt/config-map/secondary.cnf /mnt/conf.d/
      fi
      """;
  private static final String CLONE = """
      set -ex
      # Skip the clone if data already exists.
      [[ -d /var/lib/mysql/mysql ]] && exit 0
      # Skip the clone on primary (ordinal index 0).
      [[ `hostname` =~ -([0-9]+)$ ]] || exit 1
      ordinal=${BASH_REMATCH[1]}
      [[ $ordinal -eq 0 ]] && exit 0
      # Clone data from previous peer.
      ncat --recv-only PREVIOUS 3307 | xbstream -x -C /var/lib/mysql
      # Prepare the backup.
      xtrabackup --prepare --target-dir=/var/lib/mysql
      """;
  private static final String SIDECAR = """
      set -ex
      cd /var/lib/mysql

      # Determine binlog position of cloned data, if any.
      if [[ -f xtrabackup_slave_info && "x$(<xtrabackup_slave_info)" != "x" ]]; then
        # XtraBackup already generated a partial "CHANGE MASTER TO" query
        # because we're cloning from an existing secondary. (Need to remove the tailing semicolon!)
        cat xtrabackup_slave_info | sed -E 's/;$//g' > change_master_to.sql.in
        # Ignore xtrabackup_binlog_info in this case (it's useless).
        rm -f xtrabackup_slave_info xtrabackup_binlog_info
      elif [[ -f xtrabackup_binlog_info ]]; then
        # We're cloning directly from primary. Parse binlog position.
        [[ `cat xtrabackup_binlog_info` =~ ^(.*?)[[:space:]]+(.*?)$ ]] || exit 1
        rm -f xtrabackup_binlog_info xtrabackup_slave_info
        echo "CHANGE MASTER TO MASTER_LOG_FILE='${BASH_REMATCH[1]}',\\
              MASTER_LOG_POS=${BASH_REMATCH[2]}" > change_master_to.sql.in
      fi

      # Check if we need to complete a clone by starting replication.
      if [[ -f change_master_to.sql.in ]]; then
        echo "Waiting for mysqld to be ready (accepting connections)"
        until mysql -h 127.0.0.1 -e "SELECT 1"; do sleep 1; done

        echo "Initializing replication from clone position"
        mysql -h 127.0.0.1 \\
              -e "$(<change_master_to.sql.in), \\
                      MASTER_HOST='PRIMARY', \\
                      MASTER_USER='root', \\
                      MASTER_PASSWORD='', \\
                      MASTER_CONNECT_RETRY=10; \\
                    START SLAVE;" || exit 1
        # In case of container restart, attempt this at-most-once.
        mv change_master_to.sql.in change_master_to.sql.orig
      fi

      # Start a server to send backups when requested by peers.
      exec ncat --listen --keep-open --send-only --max-conns=1 3307 -c \\
        "xtrabackup --backup --slave-info --stream=xbstream --host=127.0.0.1 --user=root"
      """;
  private static final String[] IPS = {"127.31.15.10", "127.31.15.11", "127.31.15.12"};

  @TempDir
  Path dir;
  private final TestContainers containers = new TestContainers();

  @AfterEach
  void stop() throws Exception {
    containers.close();
  }

  private RunningContainer run(int ordinal, String name, String image, String script) throws Exception {
    String pod = "mysql-" + ordinal;
    Path conf = Files.createDirectories(dir.resolve(pod + "/conf"));
    Path data = Files.createDirectories(dir.resolve(pod + "/data"));
    Path configMap = Files.createDirectories(dir.resolve("config-map"));
    Files.writeString(configMap.resolve("primary.cnf"), "# Apply this config only on the primary.\n[mysqld]\nlog-bin\n");
    Files.writeString(configMap.resolve("secondary.cnf"), "# Apply this config only on secondaries.\n[mysqld]\n"
        + "super-read-only\n");
    var container = new ContainerBuilder().withName(name).withImage(image)
        .withEnv(new io.fabric8.kubernetes.api.model.EnvVar("MYSQL_ALLOW_EMPTY_PASSWORD", "1", null));
    if (script != null) {
      container.withCommand("bash", "-c", script.replace("PREVIOUS", ordinal > 0 ? IPS[ordinal - 1] : "")
          .replace("PRIMARY", IPS[0]));
    }
    ContainerSpec spec = new ContainerSpec("default", pod, "uid-" + pod, "node-1", IPS[ordinal], container.build(),
        Map.of("MYSQL_ALLOW_EMPTY_PASSWORD", "1", "HOSTNAME", pod), dir.resolve(pod + "/" + name + ".log"),
        dir.resolve(pod + "/" + name), Map.of("/var/lib/mysql", data, "/etc/mysql/conf.d", conf, "/mnt/conf.d", conf,
        "/mnt/config-map", configMap), pod + "-" + name);
    return containers.start(spec);
  }

  private String log(int ordinal, String name) throws Exception {
    Path f = dir.resolve("mysql-" + ordinal + "/" + name + ".log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  private void pod(int ordinal) throws Exception {
    int code = run(ordinal, "init-mysql", "mysql:5.7", INIT).exited().toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    assertEquals(0, code, log(ordinal, "init-mysql"));
    code = run(ordinal, "clone-mysql", "gcr.io/google-samples/xtrabackup:1.0", CLONE).exited().toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(0, code, log(ordinal, "clone-mysql"));
    run(ordinal, "mysql", "mysql:5.7", null);
    run(ordinal, "xtrabackup", "gcr.io/google-samples/xtrabackup:1.0", SIDECAR);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> log(ordinal, "mysql").contains(
        "ready for connections"));
  }

  private static List<String> column(int ordinal, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:mysql://" + IPS[ordinal] + ":3306/?connectTimeout=5000",
        "root", ""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      return values;
    }
  }

  private static void write(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:mysql://" + IPS[0] + ":3306/?connectTimeout=5000",
        "root", ""); Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  @Test
  void eachNewOrdinalClonesThePreviousAndFollowsThePrimary() throws Exception {
    pod(0);
    assertEquals(List.of("100"), column(0, "SELECT @@server_id"));
    write("CREATE DATABASE test");
    write("CREATE TABLE test.messages (message VARCHAR(250))");
    write("INSERT INTO test.messages VALUES ('hello')");
    pod(1);
    assertTrue(log(1, "clone-mysql").contains("+ ncat --recv-only " + IPS[0] + " 3307"), log(1, "clone-mysql"));
    assertTrue(log(1, "clone-mysql").contains("completed OK!"), log(1, "clone-mysql"));
    assertEquals(List.of("101"), column(1, "SELECT @@server_id"));
    assertEquals(List.of("hello"), column(1, "SELECT message FROM test.messages"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> log(1, "xtrabackup").contains(
        "Initializing replication from clone position"));
    write("INSERT INTO test.messages VALUES ('after the clone')");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> column(1, "SELECT COUNT(*) FROM test.messages")
        .equals(List.of("2")));
    pod(2); // clones mysql-1, a replica: its xtrabackup_slave_info gives the primary's position
    assertEquals(List.of("102"), column(2, "SELECT @@server_id"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> column(2, "SELECT COUNT(*) FROM test.messages")
        .equals(List.of("2")));
    write("INSERT INTO test.messages VALUES ('third')");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> column(2, "SELECT COUNT(*) FROM test.messages")
        .equals(List.of("3")));
    assertTrue(Files.exists(dir.resolve("mysql-2/data/change_master_to.sql.orig")));
    assertTrue(Files.readString(dir.resolve("mysql-2/data/change_master_to.sql.orig")).startsWith(
        "CHANGE MASTER TO MASTER_LOG_FILE='mysql-0-bin.000001', MASTER_LOG_POS="), log(2, "xtrabackup"));
  }
}
