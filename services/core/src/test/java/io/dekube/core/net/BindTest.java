package io.dekube.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.dekube.core.metrics.OpsHttpServer;
import io.vertx.core.Vertx;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** A port in use: the failure says which component could not listen where, not only "Address already in use". */
class BindTest {

  @Test
  void aBusyOpsPortIsNamedWithItsFlagAndAddress() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = busy.getLocalPort();
      Executable listen = () -> new OpsHttpServer().listen(vertx, "127.0.0.1", port).toCompletionStage()
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, listen);
      BindException named = Bind.find(e);
      assertEquals("the ops port (--ops-port) cannot listen on 127.0.0.1:" + port + ": Address already in use",
          named.getMessage());
      assertSame(named, Bind.find(new RuntimeException(named)));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
