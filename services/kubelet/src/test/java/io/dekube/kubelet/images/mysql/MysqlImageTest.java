package io.dekube.kubelet.images.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.JvmRuntime;
import io.dekube.kubelet.runtime.RunningContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mysql image's server, run by the real jvm runtime, spoken to by MySQL's own JDBC driver (Connector/J):
 * authentication by both plugins, databases, tables, MySQL's error codes, and the data kept in the volume at
 * {@code /var/lib/mysql} from one container to the next.
 */
class MysqlImageTest {

  private static final java.util.concurrent.atomic.AtomicInteger PODS = new java.util.concurrent.atomic.AtomicInteger();
  /** Each test's pod has an address of its own: no server of the test before holds its port. */
  private final String ip = "127.31.13." + (11 + PODS.getAndIncrement());

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private RunningContainer container;

  @AfterEach
  void stop() throws Exception {
    if (container != null && !container.exited().isComplete()) {
      container.stop(Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private RunningContainer start(String image, Map<String, String> env, int run) throws Exception {
    Container c = new ContainerBuilder().withName("mysql").withImage(image).build();
    Path data = Files.createDirectories(dir.resolve("pv"));
    ContainerSpec spec = new ContainerSpec("default", "mysql", "uid-mysql", "node-1", ip, c, env,
        dir.resolve("mysql/" + run + ".log"), dir.resolve("pod" + run), Map.of("/var/lib/mysql", data), "mysql-" + run);
    container = new JvmRuntime(vertx).start(spec).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return container;
  }

  private String log(int run) throws Exception {
    Path f = dir.resolve("mysql/" + run + ".log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  private void awaitReady(int run) throws Exception {
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> log(run).contains("ready for connections"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("not ready: " + log(run), e);
    }
  }

  private Connection connect(String db, String user, String password) throws SQLException {
    return DriverManager.getConnection("jdbc:mysql://" + ip + ":3306/" + db + "?connectTimeout=5000", user, password);
  }

  @Test
  void connectorJCreatesInsertsAndSelectsWithMysqlsErrors() throws Exception {
    start("mysql:9", Map.of("MYSQL_ROOT_PASSWORD", "password", "MYSQL_DATABASE", "shop", "MYSQL_USER", "app",
        "MYSQL_PASSWORD", "secret"), 0);
    awaitReady(0);
    assertTrue(log(0).contains("[Note] [Entrypoint]: Creating database shop"), log(0));
    assertTrue(log(0).contains("[System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: "
        + "'9.1.0'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL."), log(0));
    try (Connection c = connect("shop", "root", "password"); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL) ENGINE=InnoDB");
      assertEquals(1, st.executeUpdate("INSERT INTO item (name) VALUES ('apple')", Statement.RETURN_GENERATED_KEYS));
      try (ResultSet keys = st.getGeneratedKeys()) {
        assertTrue(keys.next());
        assertEquals(1, keys.getInt(1));
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO item (name) VALUES (?)")) {
        ps.setString(1, "it's a \"pear\"");
        ps.executeUpdate();
      }
      try (ResultSet rs = st.executeQuery("SELECT id, name FROM item ORDER BY id")) {
        assertTrue(rs.next());
        assertEquals("apple", rs.getString("name"));
        assertTrue(rs.next());
        assertEquals(2, rs.getInt(1));
        assertEquals("it's a \"pear\"", rs.getString(2));
      }
      try (ResultSet rs = st.executeQuery("SELECT VERSION(), @@version, DATABASE()")) {
        assertTrue(rs.next());
        assertEquals("9.1.0", rs.getString(1));
        assertEquals("9.1.0", rs.getString(2));
        assertEquals("shop", rs.getString(3));
        assertEquals("VERSION()", rs.getMetaData().getColumnLabel(1));
      }
      assertError(1146, "42S02", "Table 'shop.nothing' doesn't exist", () -> st.executeQuery("SELECT * FROM nothing"));
      assertError(1062, "23000", "Duplicate entry '1' for key 'item.PRIMARY'",
          () -> st.executeUpdate("INSERT INTO item VALUES (1, 'again')"));
      assertError(1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds to your MySQL "
          + "server version for the right syntax to use near 'SELEC 1' at line 1", () -> st.execute("SELEC 1"));
      assertError(1049, "42000", "Unknown database 'nowhere'", () -> st.execute("USE nowhere"));
      assertError(1007, "HY000", "Can't create database 'shop'; database exists",
          () -> st.execute("CREATE DATABASE shop"));
      st.execute("CREATE DATABASE other");
      try (ResultSet rs = st.executeQuery("SHOW DATABASES")) {
        StringBuilder names = new StringBuilder();
        while (rs.next()) {
          names.append(rs.getString(1)).append(' ');
        }
        assertEquals("information_schema mysql other performance_schema shop sys ", names.toString());
      }
      try (ResultSet rs = st.executeQuery("DESCRIBE item")) {
        assertTrue(rs.next());
        assertEquals("id int NO PRI null auto_increment", rs.getString("Field") + " " + rs.getString("Type") + " "
            + rs.getString("Null") + " " + rs.getString("Key") + " " + rs.getString("Default") + " "
            + rs.getString("Extra"));
        assertTrue(rs.next());
        assertEquals("name varchar(20) NO", rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
      }
      try (ResultSet rs = st.executeQuery("SHOW TABLES")) {
        assertEquals("Tables_in_shop", rs.getMetaData().getColumnLabel(1));
        assertTrue(rs.next());
        assertEquals("item", rs.getString(1));
      }
    }
    try (Connection c = connect("shop", "app", "secret"); ResultSet rs = c.createStatement().executeQuery(
        "SELECT COUNT(*) FROM item")) {
      assertTrue(rs.next());
      assertEquals(2, rs.getInt(1));
    }
    assertError(1045, "28000", "Access denied for user 'root'@'127.0.0.1' (using password: YES)",
        () -> connect("", "root", "wrong"));
    assertError(1046, "3D000", "No database selected", () -> connect("", "root", "password").createStatement()
        .execute("CREATE TABLE t (x INT)"));
    assertError(1146, "42S02", "Table 'shop.nothing' doesn't exist", () -> connect("", "root", "password")
        .createStatement().executeQuery("SELECT COUNT(*) FROM shop.nothing"));
    assertError(1146, "42S02", "Table 'other.nothing' doesn't exist", () -> connect("shop", "root", "password")
        .createStatement().executeQuery("SELECT * FROM `other`.nothing"));
  }

  @Test
  void theDataOutlivesTheContainerAndItsFirstPasswordStays() throws Exception {
    start("mysql:5.7", Map.of("MYSQL_ROOT_PASSWORD", "password"), 0);
    awaitReady(0);
    assertTrue(log(0).contains(" 0 [Note] mysqld: ready for connections.\n"), log(0));
    assertTrue(log(0).contains(" stderr F Version: '5.7.44'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL "
        + "Community Server (GPL)\n"), log(0));
    try (Connection c = connect("", "root", "password"); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE test");
      st.execute("CREATE TABLE test.messages (message VARCHAR(250))");
      st.execute("INSERT INTO test.messages VALUES ('hello')");
    }
    assertEquals(0, container.stop(Duration.ofSeconds(5)).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS));
    assertTrue(log(0).contains("/usr/sbin/mysqld: Shutdown complete"), log(0));

    start("mysql:5.7", Map.of("MYSQL_ROOT_PASSWORD", "another"), 1);
    awaitReady(1);
    assertTrue(!log(1).contains("Initializing database files"), log(1));
    try (Connection c = connect("test", "root", "password");
         ResultSet rs = c.createStatement().executeQuery("SELECT * FROM messages")) {
      assertTrue(rs.next());
      assertEquals("hello", rs.getString("message"));
    }
  }

  @Test
  void withoutAPasswordOptionTheEntrypointExitsWithItsError() throws Exception {
    start("mysql:8.0", Map.of(), 0);
    assertEquals(1, container.exited().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertTrue(log(0).contains("[ERROR] [Entrypoint]: Database is uninitialized and password option is not "
        + "specified"), log(0));
    assertTrue(log(0).contains("    - MYSQL_RANDOM_ROOT_PASSWORD"), log(0));
  }

  private interface Call {
    void run() throws Exception;
  }

  private static void assertError(int code, String state, String message, Call call) {
    SQLException e = assertThrows(SQLException.class, call::run);
    assertEquals(code, e.getErrorCode(), e.getMessage());
    assertEquals(state, e.getSQLState(), e.getMessage());
    if (message != null) {
      assertEquals(message, e.getMessage());
    }
  }
}
