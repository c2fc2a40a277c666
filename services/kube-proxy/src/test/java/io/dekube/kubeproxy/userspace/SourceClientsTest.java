package io.dekube.kubeproxy.userspace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-source clients of the userspace proxy: kept while a connection is open, closed once idle. */
class SourceClientsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPodsClientStaysWhileItsConnectionIsOpenAndGoesWhenIdle() throws Exception {
    var server = await(vertx.createNetServer().connectHandler(s -> s.handler(s::write)).listen(0, "127.0.0.1"));
    SourceClients clients = new SourceClients(vertx, new NetClientOptions());
    NetSocket pod = await(clients.connect("127.244.9.3", server.actualPort(), "127.0.0.1"));
    NetSocket host = await(clients.connect("127.0.0.1", server.actualPort(), "127.0.0.1"));
    assertEquals("127.244.9.3", pod.localAddress().hostAddress());
    assertEquals(1, clients.sources(), "the host's connections need no client of their own");
    clients.closeIdle(System.currentTimeMillis() + 1);
    assertEquals(1, clients.sources(), "an open connection keeps its client");
    clients.release("127.244.9.3");
    clients.closeIdle(System.currentTimeMillis() + 1);
    assertEquals(0, clients.sources());
    host.close();
    await(clients.close());
  }
}
