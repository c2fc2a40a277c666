package io.dekube.kubelet.images.mongo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmRuntime;
import io.dekube.kubelet.runtime.RunningContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mongosh} and the legacy {@code mongo} shell in a mongo:5.0 container, as {@code kubectl exec} runs them. */
class MongoshTest {

  private static final String IP = "127.31.14.12";

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private RunningContainer container;

  private static final class Screen implements ExecSession.Output {
    private final StringBuffer text = new StringBuffer();

    @Override
    public void stdout(Buffer data) {
      text.append(data.toString());
    }

    @Override
    public void stderr(Buffer data) {
      text.append(data.toString());
    }

    String text() {
      return text.toString();
    }

    void await(String s) {
      try {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> text().contains(s));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("no " + s + " in:\n" + text(), e);
      }
    }
  }

  @BeforeEach
  void start() throws Exception {
    Container c = new ContainerBuilder().withName("mongo").withImage("mongo:5.0").build();
    ContainerSpec spec = new ContainerSpec("default", "mongo-0", "uid-mongo", "node-1", IP, c, Map.of(),
        dir.resolve("mongo.log"), dir.resolve("pod"), Map.of(), "mongo-sh");
    container = new JvmRuntime(vertx).start(spec).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("mongo.log"))
        && Files.readString(dir.resolve("mongo.log")).contains("Waiting for connections"));
  }

  @AfterEach
  void stop() throws Exception {
    container.stop(Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void mongoshOnATerminalPrintsItsBannerAndAnswersThePagesCommands() throws Exception {
    Screen screen = new Screen();
    ExecSession sh = container.exec(List.of("mongosh"), screen, true);
    screen.await("test> ");
    String banner = screen.text();
    assertTrue(banner.matches("(?s)Current Mongosh Log ID:\t[0-9a-f]{24}\r\n"
        + "Connecting to:\t\tmongodb://127\\.0\\.0\\.1:27017/\\?directConnection=true&serverSelectionTimeoutMS=2000"
        + "&appName=mongosh\\+2\\.3\\.4\r\nUsing MongoDB:\t\t5\\.0\\.31\r\nUsing Mongosh:\t\t2\\.3\\.4\r\n\r\n"
        + "For mongosh info see: https://www\\.mongodb\\.com/docs/mongodb-shell/\r\n\r\n.*test> $"), banner);
    sh.stdin(Buffer.buffer("db.runCommand( { ping: 1 } )\r"));
    screen.await("db.runCommand( { ping: 1 } )\r\n{ ok: 1 }\r\ntest> ");
    sh.stdin(Buffer.buffer("use shop\r"));
    screen.await("switched to db shop\r\nshop> ");
    sh.stdin(Buffer.buffer("db.fruit.insertOne({ _id: 1, name: 'apple' })\r"));
    screen.await("{ acknowledged: true, insertedId: 1 }\r\nshop> ");
    sh.stdin(Buffer.buffer("db.fruit.find()\r"));
    screen.await("[ { _id: 1, name: 'apple' } ]\r\nshop> ");
    sh.stdin(Buffer.buffer("db.fruit.countDocuments({ name: 'pear' })\r"));
    screen.await("0\r\nshop> ");
    sh.stdin(Buffer.buffer("show dbs\r"));
    screen.await("admin   40.00 KiB\r\nconfig  12.00 KiB\r\nlocal   40.00 KiB\r\n");
    sh.stdin(Buffer.buffer("db.runCommand({ nope: 1 })\r"));
    screen.await("MongoServerError[CommandNotFound]: no such command: 'nope'\r\nshop> ");
    sh.stdin(Buffer.buffer("exit\r"));
    assertEquals(0, sh.exitCode().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  @Test
  void mongoshEvalAndTheLegacyShell() throws Exception {
    Screen eval = new Screen();
    ExecSession once = container.exec(List.of("mongosh", "--quiet", "--port", "27017", "--eval",
        "db.runCommand({ ping: 1 })"), eval, false);
    assertEquals(0, once.exitCode().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertEquals("{ ok: 1 }\n", eval.text());

    Screen legacy = new Screen();
    ExecSession mongo = container.exec(List.of("mongo", "mongodb://localhost:27017/test"), legacy, false);
    mongo.stdin(Buffer.buffer("db.runCommand({ping: 1})\n"));
    mongo.closeStdin();
    assertEquals(0, mongo.exitCode().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(legacy.text().startsWith("MongoDB shell version v5.0.31\nconnecting to: mongodb://localhost:27017/"),
        legacy.text());
    assertTrue(legacy.text().contains("MongoDB server version: 5.0.31\n"), legacy.text());
    assertTrue(legacy.text().endsWith("> { \"ok\" : 1 }\n> "), legacy.text());

    Screen refused = new Screen();
    ExecSession nowhere = container.exec(List.of("mongosh", "--port", "28015"), refused, false);
    assertEquals(1, nowhere.exitCode().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    assertTrue(refused.text().endsWith("MongoNetworkError: connect ECONNREFUSED 127.0.0.1:28015\n"), refused.text());
  }
}
