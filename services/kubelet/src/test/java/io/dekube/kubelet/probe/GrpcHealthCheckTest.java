package io.dekube.kubelet.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The grpc probe against a gRPC health server over cleartext HTTP/2, and against none. */
class GrpcHealthCheckTest {

  private final Vertx vertx = Vertx.vertx();
  /** What the server answers: the HealthCheckResponse status, or a grpc-status other than 0 when negative. */
  private volatile int answer = 1;
  private volatile String asked;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int server() throws Exception {
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setHttp2ClearTextEnabled(true)).requestHandler(req -> req.body().onSuccess(body -> {
          asked = req.path() + " " + body.length() + " " + req.getHeader("content-type");
          var resp = req.response().putHeader("content-type", "application/grpc");
          if (answer < 0) {
            resp.putHeader("grpc-status", Integer.toString(-answer)).putHeader("grpc-message", "unknown service "
                + "grpc.health.v1.Health").end();
            return;
          }
          Buffer message = Buffer.buffer().appendByte((byte) 0x08).appendByte((byte) answer);
          resp.write(Buffer.buffer().appendByte((byte) 0).appendInt(message.length()).appendBuffer(message));
          resp.putTrailer("grpc-status", "0").end();
        }));
    return server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
  }

  /**
   * The check, made on a Vert.x context as the prober makes it: Vert.x 5.0.7's client used from the test thread can
   * lose a response (CI timed out on the second check of one server).
   */
  private String check(int port, String service) throws Exception {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    return io.vertx.core.Future.<String>future(p -> context.runOnContext(v -> GrpcHealthCheck.check(vertx, "127.0.0.1",
        port, service, 1000).onComplete(p))).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void servingPassesAndEveryFailureIsWordedAsKubes() throws Exception {
    int port = server();
    assertNull(check(port, ""));
    assertEquals("/grpc.health.v1.Health/Check 5 application/grpc", asked);
    answer = 2;
    assertEquals("service unhealthy (responded with \"NOT_SERVING\")", check(port, "etcd"));
    assertEquals("/grpc.health.v1.Health/Check 11 application/grpc", asked);
    answer = -12;
    assertEquals("error: this server does not implement the grpc health protocol (grpc.health.v1.Health): "
        + "unknown service grpc.health.v1.Health", check(port, ""));
    HttpServer none = vertx.createHttpServer().requestHandler(r -> r.response().end());
    int closed = none.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get().actualPort();
    none.close().toCompletionStage().toCompletableFuture().get();
    assertEquals("timeout: failed to connect service \"127.0.0.1:" + closed + "\" within 1s: context deadline exceeded",
        check(closed, ""));
  }
}
