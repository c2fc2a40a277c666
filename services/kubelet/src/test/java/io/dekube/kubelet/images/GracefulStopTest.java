package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM for the built-in web server: an idle kept-alive connection is closed at once (a proxy
 * sees a closed connection it may retry elsewhere, not a request left unanswered), a request in
 * flight still gets its whole answer, with {@code Connection: close}.
 */
class GracefulStopTest {

  private Vertx vertx;
  private HttpServer server;
  private GracefulStop graceful;
  private int port;
  private final java.util.concurrent.atomic.AtomicBoolean slowInFlight = new java.util.concurrent.atomic.AtomicBoolean();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer();
    graceful = new GracefulStop(server);
    server.requestHandler(req -> {
      graceful.begin(req);
      if (req.path().equals("/slow")) {
        slowInFlight.set(true);
      }
      vertx.setTimer(req.path().equals("/slow") ? 1_000 : 1, t -> req.response().end("done"));
    });
    port = await(server.listen(0, "127.0.0.1")).actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void idleConnectionsCloseAtOnceAndRequestsInFlightFinish() throws Exception {
    try (Socket idle = new Socket("127.0.0.1", port); Socket busy = new Socket("127.0.0.1", port)) {
      idle.setSoTimeout(3_000);
      busy.setSoTimeout(5_000);
      idle.getOutputStream().write(get("/"));
      assertTrue(readResponse(idle.getInputStream()).endsWith("done"), "a first answer: the connection is kept alive");
      busy.getOutputStream().write(get("/slow"));
      org.awaitility.Awaitility.await("the slow request is in flight").atMost(java.time.Duration.ofSeconds(5))
          .untilTrue(slowInFlight);
      Future<Void> stopped = graceful.stop(server, 5);
      assertEquals(-1, idle.getInputStream().read(), "the idle connection is closed, not left open");
      String answer = readResponse(busy.getInputStream());
      assertTrue(answer.endsWith("done"), answer);
      assertTrue(answer.toLowerCase().contains("connection: close"), answer);
      await(stopped);
    }
    try (Socket late = new Socket("127.0.0.1", port)) {
      late.setSoTimeout(3_000);
      late.getOutputStream().write(get("/"));
      assertEquals(-1, late.getInputStream().read(), "no longer served");
    } catch (java.io.IOException refused) {
      // refused or reset: no longer listening
    }
  }

  private static byte[] get(String path) {
    return ("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** One response with a content-length body "done" (4 bytes). */
  private static String readResponse(InputStream in) throws Exception {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("done")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      sb.append((char) b);
    }
    return sb.toString();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
