package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.runtime.ExecSession;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mysql image's clients as {@code kubectl exec} runs them: {@code mysql} in batch, {@code -e} and terminal modes,
 * and {@code mysqladmin}.
 */
class MysqlClientTest {

  private static final java.util.concurrent.atomic.AtomicInteger PODS = new java.util.concurrent.atomic.AtomicInteger();
  /** Each test's pod has an address of its own: no server of the test before holds its port. */
  private final String ip = "127.31.13." + (21 + PODS.getAndIncrement());

  @TempDir
  Path dir;

  /** What a client printed on stdout and stderr, and its exit code. */
  private record Ran(String out, String err, int code) {
  }

  private static final class Screen implements ExecSession.Output {
    final StringBuffer out = new StringBuffer();
    final StringBuffer err = new StringBuffer();

    @Override
    public void stdout(Buffer data) {
      out.append(data.toString());
    }

    @Override
    public void stderr(Buffer data) {
      err.append(data.toString());
    }
  }

  private static Ran exec(ImageUnderTest t, String stdin, String... argv) throws Exception {
    Screen s = new Screen();
    ExecSession session = t.container.exec(List.of(argv), s, false);
    if (stdin != null) {
      session.stdin(Buffer.buffer(stdin));
    }
    session.closeStdin();
    try {
      int code = session.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      return new Ran(s.out.toString(), s.err.toString(), code);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError(String.join(" ", argv) + " did not end; it printed " + s.out + s.err, e);
    }
  }

  private ImageUnderTest mysql(Path dir) throws Exception {
    ImageUnderTest t = new ImageUnderTest(dir, ip);
    t.start("mysql", new ContainerBuilder().withName("mysql").withImage("mysql:9").build(),
        Map.of("MYSQL_ROOT_PASSWORD", "password"));
    try {
      t.awaitLog("mysql", "ready for connections");
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("not ready: " + t.log("mysql"), e);
    }
    return t;
  }

  private static final String WARNING = "mysql: [Warning] Using a password on the command line interface can be "
      + "insecure.\n";

  @Test
  void batchModeReadsStatementsFromAPipeAndPrintsTabs() throws Exception {
    try (ImageUnderTest t = mysql(dir)) {
      Ran made = exec(t, "CREATE DATABASE test;\nCREATE TABLE test.messages (message VARCHAR(250), n INT);\n"
          + "INSERT INTO test.messages VALUES ('hello\tworld', 1), ('multi\nline', NULL);\n"
          + "SELECT * FROM test.messages\n  ORDER BY message;\n", "mysql", "-h", ip, "-ppassword");
      assertEquals(new Ran("message\tn\nhello\\tworld\t1\nmulti\\nline\tNULL\n", WARNING, 0), made);
      assertEquals(new Ran("1+1\tVERSION()\tNULL\n2\t9.1.0\tNULL\n", WARNING, 0),
          exec(t, null, "mysql", "-ppassword", "-e", "SELECT 1+1, VERSION(), NULL"));
      assertEquals(new Ran("2\n", WARNING, 0),
          exec(t, null, "mysql", "--password=password", "-N", "-D", "test", "-e", "select count(*) from messages"));
      assertEquals(new Ran("1\n1\n", WARNING + "ERROR 1146 (42S02) at line 2: Table 'test.nope' doesn't exist\n", 1),
          exec(t, "SELECT 1;\nSELECT * FROM nope;\nSELECT 2;\n", "mysql", "-ppassword", "test"));
      assertEquals(new Ran("", WARNING + "ERROR 1045 (28000): Access denied for user 'root'@'" + ip + "' (using "
          + "password: YES)\n", 1), exec(t, null, "mysql", "-h", ip, "-pwrong", "-e",
          "SELECT 1"));
    }
  }

  @Test
  void onATerminalItIsTheMonitorWithTables() throws Exception {
    try (ImageUnderTest t = mysql(dir)) {
      Screen screen = new Screen();
      ExecSession cli = t.container.exec(List.of("mysql", "-ppassword"), screen, true);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.out.toString().endsWith("mysql> "));
      String banner = screen.out.toString();
      assertTrue(banner.startsWith("mysql: [Warning] Using a password on the command line interface can be insecure."
          + "\r\nWelcome to the MySQL monitor.  Commands end with ; or \\g.\r\nYour MySQL connection id is "), banner);
      assertTrue(banner.contains("\r\nServer version: 9.1.0 MySQL Community Server - GPL\r\n"), banner);
      cli.stdin(Buffer.buffer("SELECT 1 AS n,\r"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.out.toString().endsWith("\r\n    -> "));
      cli.stdin(Buffer.buffer("'apple' AS fruit;\r"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.out.toString().endsWith("mysql> "));
      String shown = screen.out.substring(banner.length());
      assertTrue(shown.matches("(?s)SELECT 1 AS n,\r\n    -> 'apple' AS fruit;\r\n"
          + "\\+---\\+-------\\+\r\n\\| n \\| fruit \\|\r\n\\+---\\+-------\\+\r\n\\| 1 \\| apple \\|\r\n"
          + "\\+---\\+-------\\+\r\n1 row in set \\(\\d+\\.\\d\\d sec\\)\r\n\r\nmysql> "), shown);
      screen.out.setLength(0);
      cli.stdin(Buffer.buffer("create database shop;\r"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.out.toString().endsWith("mysql> "));
      assertTrue(screen.out.toString().matches("(?s)create database shop;\r\nQuery OK, 1 row affected \\(\\d+\\.\\d\\d "
          + "sec\\)\r\n\r\nmysql> "), screen.out.toString());
      screen.out.setLength(0);
      cli.stdin(Buffer.buffer("use shop\r"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.out.toString().endsWith("mysql> "));
      assertEquals("use shop\r\nDatabase changed\r\nmysql> ", screen.out.toString());
      screen.out.setLength(0);
      cli.stdin(Buffer.buffer("select * from nothing;\r"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.out.toString().endsWith("mysql> "));
      assertEquals("select * from nothing;\r\nERROR 1146 (42S02): Table 'shop.nothing' doesn't exist\r\nmysql> ",
          screen.out.toString());
      screen.out.setLength(0);
      cli.stdin(Buffer.buffer("exit\r"));
      assertEquals(0, cli.exitCode().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals("exit\r\nBye\r\n", screen.out.toString());
    }
  }

  @Test
  void aBarePAsksForThePasswordWithoutEchoingIt() throws Exception {
    try (ImageUnderTest t = mysql(dir)) {
      Screen screen = new Screen();
      ExecSession cli = t.container.exec(List.of("mysql", "-p"), screen, true);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.out.toString().equals("Enter password: "));
      cli.stdin(Buffer.buffer("password\r"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.out.toString().endsWith("mysql> "));
      assertTrue(screen.out.toString().startsWith("Enter password: \r\nWelcome to the MySQL monitor."), screen.out
          .toString());
      screen.out.setLength(0);
      cli.stdin(Buffer.buffer("select 1; select 2;\r"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.out.toString().contains("| 2 |"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.out.toString().endsWith("mysql> "));
      assertEquals(1, screen.out.toString().split("mysql> ", -1).length - 1, screen.out.toString());
      cli.stdin(Buffer.buffer("\u0004"));
      assertEquals(0, cli.exitCode().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertTrue(screen.out.toString().endsWith("mysql> Bye\r\n"), screen.out.toString());
    }
  }

  @Test
  void mysqladminPingSaysWhetherTheServerIsAlive() throws Exception {
    try (ImageUnderTest t = mysql(dir)) {
      assertEquals(new Ran("mysqld is alive\n", "", 0), exec(t, null, "mysqladmin", "ping"));
      assertEquals(new Ran("mysqld is alive\n", "mysqladmin: [Warning] Using a password on the command line interface "
          + "can be insecure.\n", 0), exec(t, null, "mysqladmin", "ping", "-h", "127.0.0.1", "-ppassword"));
      assertEquals(new Ran("", "mysqladmin: connect to server at 'localhost' failed\nerror: 'Can't connect to local "
          + "MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)'\nCheck that mysqld is running and that the "
          + "socket: '/var/run/mysqld/mysqld.sock' exists!\n", 1), exec(t, null, "mysqladmin", "-P", "3307", "ping"));
      Ran probe = exec(t, null, "sh", "-c", "mysql -h 127.0.0.1 -ppassword -e \"SELECT 1\"");
      assertEquals("1\n1\n", probe.out());
      assertEquals(0, probe.code());
    }
  }
}
