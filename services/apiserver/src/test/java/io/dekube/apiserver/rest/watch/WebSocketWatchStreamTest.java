package io.dekube.apiserver.rest.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The WebSocket sink of a watch, on a bare Vert.x server that starts each watch only after a delay. */
class WebSocketWatchStreamTest {

  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      WatchStream out = WatchStream.of(req);
      // like a watch waiting for its cache: the request has long been read when the stream opens
      vertx.setTimer(200, t -> {
        out.open();
        out.write(Buffer.buffer("{\"type\":\"ADDED\"}\n"));
        out.write(Buffer.buffer("{\"type\":\"DELETED\"}\n")).onSuccess(v -> out.end());
      });
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void upgradesWhenTheWatchStartsLateAndSendsOneMessagePerEvent() throws Exception {
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    HttpClient.newHttpClient().newWebSocketBuilder().header("Origin", "http://127.0.0.1")
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/w"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            messages.add(data.toString());
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            messages.add("closed " + statusCode);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    assertEquals("{\"type\":\"ADDED\"}\n", messages.poll(10, TimeUnit.SECONDS));
    assertEquals("{\"type\":\"DELETED\"}\n", messages.poll(10, TimeUnit.SECONDS));
    assertEquals("closed 1000", messages.poll(10, TimeUnit.SECONDS));
  }

  @Test
  void aPlainRequestGetsAChunkedStream() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/w")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    assertEquals("{\"type\":\"ADDED\"}\n{\"type\":\"DELETED\"}\n", r.body());
  }
}
