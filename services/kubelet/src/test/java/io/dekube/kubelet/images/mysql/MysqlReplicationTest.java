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
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two mysql:5.7 servers of the replicated-MySQL page, run by the jvm runtime: the primary with {@code log-bin} and
 * {@code server-id=100} from {@code /etc/mysql/conf.d}, the replica with {@code super-read-only}; {@code CHANGE MASTER
 * TO} and {@code START SLAVE} over MySQL's protocol, the rows replicated, the replica refusing writes, its status.
 */
class MysqlReplicationTest {

  private static final AtomicInteger PODS = new AtomicInteger();

  @TempDir
  Path dir;
  private final TestContainers containers = new TestContainers();
  private RunningContainer last;

  @AfterEach
  void stop() throws Exception {
    containers.close();
  }

  /** Starts mysqld of pod {@code name} at {@code ip} with {@code cnf} in conf.d; returns its log file. */
  private Path start(String name, String ip, String cnf) throws Exception {
    Path conf = Files.createDirectories(dir.resolve(name + "-conf"));
    Files.writeString(conf.resolve("server.cnf"), cnf);
    Path data = Files.createDirectories(dir.resolve(name + "-data"));
    int run = PODS.incrementAndGet();
    Path log = dir.resolve(name + "/" + run + ".log");
    ContainerSpec spec = new ContainerSpec("default", name, "uid-" + name, "node-1", ip,
        new ContainerBuilder().withName("mysql").withImage("mysql:5.7").build(), Map.of("MYSQL_ALLOW_EMPTY_PASSWORD",
        "1"), log, dir.resolve(name + "-pod" + run), Map.of("/var/lib/mysql", data, "/etc/mysql/conf.d", conf),
        name + "-" + run);
    last = containers.start(spec);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log)
        && Files.readString(log).contains("ready for connections"));
    return log;
  }

  private static Connection connect(String ip) throws SQLException {
    return DriverManager.getConnection("jdbc:mysql://" + ip + ":3306/?connectTimeout=5000", "root", "");
  }

  private static List<String> column(Statement st, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  @Test
  void aReplicaFollowsItsPrimarysBinaryLogAndRefusesWrites() throws Exception {
    String primary = "127.31.14.11";
    String replica = "127.31.14.12";
    start("mysql-0", primary, "[mysqld]\nserver-id=100\n# Apply this config only on the primary.\n[mysqld]\nlog-bin\n");
    try (Connection c = connect(primary); Statement st = c.createStatement()) {
      assertEquals(List.of("100"), column(st, "SELECT @@server_id"));
      try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
        assertTrue(rs.next());
        assertEquals("mysql-0-bin.000001", rs.getString("File"));
        assertEquals(154, rs.getLong("Position"));
      }
      st.execute("CREATE DATABASE test");
      st.execute("CREATE TABLE test.messages (message VARCHAR(250))");
      st.execute("INSERT INTO test.messages VALUES ('hello')");
    }
    Path replicaLog = start("mysql-1", replica, "[mysqld]\nserver-id=101\n[mysqld]\nsuper-read-only\n");
    try (Connection c = connect(replica); Statement st = c.createStatement()) {
      assertEquals(List.of("101"), column(st, "SELECT @@server_id"));
      assertEquals(List.of("1"), column(st, "SELECT @@super_read_only"));
      SQLException refused = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
          () -> st.execute("CREATE DATABASE other"));
      assertEquals(1290, refused.getErrorCode());
      assertEquals("The MySQL server is running with the --super-read-only option so it cannot execute this statement",
          refused.getMessage());
      st.execute("CHANGE MASTER TO MASTER_LOG_FILE='mysql-0-bin.000001', MASTER_LOG_POS=4, MASTER_HOST='" + primary
          + "', MASTER_USER='root', MASTER_PASSWORD='', MASTER_CONNECT_RETRY=1");
      st.execute("START SLAVE");
      // the database, the table and the row come as three events of the binary log: each waited for in turn
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> column(st, "SHOW DATABASES").contains("test")
          && column(st, "SHOW TABLES FROM test").contains("messages")
          && column(st, "SELECT COUNT(*) FROM test.messages").equals(List.of("1")));
      assertEquals(List.of("hello"), column(st, "SELECT message FROM test.messages"));
    }
    try (Connection c = connect(primary); Statement st = c.createStatement()) {
      st.execute("INSERT INTO test.messages VALUES ('again')");
    }
    try (Connection c = connect(replica); Statement st = c.createStatement()) {
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> column(st,
          "SELECT COUNT(*) FROM test.messages").equals(List.of("2")));
      try (ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
        assertTrue(rs.next());
        assertEquals("Waiting for master to send event", rs.getString("Slave_IO_State"));
        assertEquals(primary, rs.getString("Master_Host"));
        assertEquals("Yes", rs.getString("Slave_IO_Running"));
        assertEquals("Yes", rs.getString("Slave_SQL_Running"));
        assertEquals("mysql-0-bin.000001", rs.getString("Relay_Master_Log_File"));
        assertEquals("100", rs.getString("Master_Server_Id"));
        assertEquals(rs.getString("Read_Master_Log_Pos"), rs.getString("Exec_Master_Log_Pos"));
        assertEquals("0", rs.getString("Seconds_Behind_Master"));
      }
      SQLException running = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
          () -> st.execute("CHANGE MASTER TO MASTER_HOST='elsewhere'"));
      assertEquals(3021, running.getErrorCode());
    }
    assertTrue(Files.readString(dir.resolve("mysql-1-data/master.info")).startsWith("25\nmysql-0-bin.000001\n"));
    assertTrue(Files.readString(replicaLog).contains(" 0 [Note] Slave I/O thread for channel '': connected to master "
        + "'root@" + primary + ":3306',replication started in log 'mysql-0-bin.000001' at position 4\n"),
        Files.readString(replicaLog));
  }

  private int exec(RunningContainer c, StringBuffer out, String... argv) throws Exception {
    io.dekube.kubelet.runtime.ExecSession s = c.exec(List.of(argv), new io.dekube.kubelet.runtime.ExecSession.Output() {
      @Override
      public void stdout(io.vertx.core.buffer.Buffer data) {
        out.append(data);
      }

      @Override
      public void stderr(io.vertx.core.buffer.Buffer data) {
        out.append(data);
      }
    });
    s.closeStdin();
    try {
      return s.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      out.append(e.getCause().getMessage());
      return -1;
    }
  }

  /** The page's readiness step: with {@code /usr/bin/mysql} moved away, the probe's {@code mysql} cannot start. */
  @Test
  void theClientMovedAwayNoLongerStarts() throws Exception {
    start("mysql-2", "127.31.14.13", "[mysqld]\nserver-id=102\n");
    RunningContainer c = last;
    StringBuffer out = new StringBuffer();
    assertEquals(0, exec(c, out, "mysql", "-h", "127.0.0.1", "-e", "SELECT 1"), out.toString());
    assertEquals("1\n1\n", out.toString());
    out.setLength(0);
    assertEquals(0, exec(c, out, "mv", "/usr/bin/mysql", "/usr/bin/mysql.off"), out.toString());
    assertEquals(-1, exec(c, out, "mysql", "-h", "127.0.0.1", "-e", "SELECT 1"));
    assertTrue(out.toString().contains("exec: \"mysql\": executable file not found in $PATH"), out.toString());
    out.setLength(0);
    assertEquals(127, exec(c, out, "bash", "-c", "mysql -h 127.0.0.1 -e 'SELECT 1'"));
    assertEquals("bash: mysql: command not found\n", out.toString());
    out.setLength(0);
    assertEquals(0, exec(c, out, "mv", "/usr/bin/mysql.off", "/usr/bin/mysql"), out.toString());
    assertEquals(0, exec(c, out, "mysqladmin", "ping"), out.toString());
    assertEquals(0, exec(c, out, "mysql", "-h", "127.0.0.1", "-e", "SELECT 1"), out.toString());
  }
}
