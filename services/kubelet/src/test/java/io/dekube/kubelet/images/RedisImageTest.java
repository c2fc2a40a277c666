package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.runtime.ExecSession;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.buffer.Buffer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The redis image with {@code redis-cli} for kubectl exec, and the guestbook's leader, follower and frontend. */
class RedisImageTest {

  @TempDir
  Path dir;

  /** What an exec printed, and its exit code. */
  private record Ran(String out, int code) {
  }

  private static final class Collected implements ExecSession.Output {
    final StringBuffer text = new StringBuffer();

    @Override
    public void stdout(Buffer data) {
      text.append(data.toString());
    }

    @Override
    public void stderr(Buffer data) {
      text.append(data.toString());
    }
  }

  private static Ran exec(ImageUnderTest t, List<String> argv) throws Exception {
    Collected out = new Collected();
    ExecSession s = t.container.exec(argv, out, false);
    s.closeStdin(); // kubectl exec without -i
    int code = s.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return new Ran(out.text.toString(), code);
  }

  @Test
  void redisCliInTheContainerReadsTheServersConfig() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.9.11")) {
      t.start("redis", new ContainerBuilder().withName("redis").withImage("redis:5.0.4")
          .withArgs("--maxmemory", "2mb").build(), Map.of());
      t.awaitLog("redis", "Ready to accept connections");
      assertTrue(t.log("redis").contains("# Redis version=5.0.4, bits=64"), t.log("redis"));
      assertEquals(new Ran("maxmemory\n2097152\n", 0), exec(t, List.of("redis-cli", "config", "get", "maxmemory")));
      assertEquals(new Ran("PONG\n", 0), exec(t, List.of("redis-cli", "-h", "127.31.9.11", "-p", "6379", "ping")));
      Ran refused = exec(t, List.of("redis-cli", "-p", "6380", "ping"));
      assertEquals(new Ran("Could not connect to Redis at 127.0.0.1:6380: Connection refused\n", 1), refused);

      Collected screen = new Collected();
      ExecSession cli = t.container.exec(List.of("redis-cli"), screen, true);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.text.toString().equals("127.0.0.1:6379> "));
      cli.stdin(Buffer.buffer("CONFIG GET maxmemory-policy\r"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.text.toString().endsWith(
          "1) \"maxmemory-policy\"\r\n2) \"noeviction\"\r\n127.0.0.1:6379> "));
      cli.stdin(Buffer.buffer("nosuch a\r"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> screen.text.toString().endsWith(
          "(error) ERR unknown command `nosuch`, with args beginning with: `a`, \r\n127.0.0.1:6379> "));
      cli.stdin(Buffer.buffer("quit\r"));
      assertEquals(0, cli.exitCode().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void theGuestbookSetsThroughTheLeaderAndReadsFromAFollower() throws Exception {
    String leaderIp = "127.31.9.21";
    String followerIp = "127.31.9.22";
    try (ImageUnderTest leader = new ImageUnderTest(dir.resolve("leader"), leaderIp);
         ImageUnderTest follower = new ImageUnderTest(dir.resolve("follower"), followerIp);
         ImageUnderTest frontend = new ImageUnderTest(dir.resolve("frontend"), "127.31.9.23")) {
      leader.start("redis-leader", new ContainerBuilder().withName("leader").withImage("docker.io/redis:6.0.5")
          .build(), Map.of());
      follower.start("redis-follower", new ContainerBuilder().withName("follower")
          .withImage("us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2").build(),
          Map.of("GET_HOSTS_FROM", "env", "REDIS_LEADER_SERVICE_HOST", leaderIp));
      frontend.start("frontend", new ContainerBuilder().withName("php-redis")
          .withImage("us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5").build(),
          Map.of("GET_HOSTS_FROM", "env", "REDIS_LEADER_SERVICE_HOST", leaderIp, "REDIS_FOLLOWER_SERVICE_HOST",
              followerIp));
      follower.awaitLog("follower", "MASTER <-> REPLICA sync: Finished with success");
      HttpResponse<String> page = frontend.get(80, "/");
      assertTrue(page.body().contains("guestbook.php") || page.body().contains("controllers.js"), page.body());
      HttpResponse<String> set = frontend.get(80, "/guestbook.php?cmd=set&key=messages&value=hello,world");
      assertEquals(200, set.statusCode());
      assertEquals("{\"message\": \"Updated\"}", set.body());
      assertEquals("application/json", set.headers().firstValue("Content-Type").orElse(""));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> frontend.get(80,
          "/guestbook.php?cmd=get&key=messages").body().equals("{\"data\": \"hello,world\"}"));
      assertEquals("{\"data\": \"\"}", frontend.get(80, "/guestbook.php?cmd=get&key=nothing").body());
      Ran readonly = exec(follower, List.of("redis-cli", "set", "messages", "x"));
      assertEquals("READONLY You can't write against a read only replica.\n\n", readonly.out());
      Ran info = exec(follower, List.of("redis-cli", "info", "replication"));
      assertTrue(info.out().contains("role:slave\r\nmaster_host:" + leaderIp + "\r\nmaster_port:6379\r\n"
          + "master_link_status:up\r\n"), info.out());
      frontend.awaitLog("php-redis", "\"GET /guestbook.php?cmd=set&key=messages&value=hello,world HTTP/1.1\" 200");
    }
  }
}
