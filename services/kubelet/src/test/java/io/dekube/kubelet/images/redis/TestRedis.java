package io.dekube.kubelet.images.redis;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A real {@link RedisServer} on 127.0.0.1 and a free port, its log kept; replicas reach masters by plain TCP. */
final class TestRedis implements AutoCloseable {

  final List<String> log = new CopyOnWriteArrayList<>();
  final RedisServer server;
  final int port;

  TestRedis(Vertx vertx, String file, String... options) throws Exception {
    this(vertx, "6.0.5", file, List.of(options));
  }

  TestRedis(Vertx vertx, String version, String file, List<String> options) throws Exception {
    RedisConfig config = new RedisConfig(version);
    List<String> argv = new ArrayList<>(options);
    if (!argv.contains("--port") && (file == null || !file.contains("port "))) {
      argv.addAll(List.of("--port", Integer.toString(freePort())));
    }
    config.load(file == null ? null : "/redis.conf", file, argv);
    server = new RedisServer(vertx, config, new RedisServer.Options(version, "127.0.0.1",
        (host, p) -> vertx.createNetClient().connect(p, host), (p, handler) -> handler, System::currentTimeMillis),
        new RedisLog(log::add));
    port = server.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    server.replicate();
  }

  RespClient client() throws IOException {
    return new RespClient("127.0.0.1", port);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws Exception {
    server.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
