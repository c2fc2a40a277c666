package io.dekube.apiserver.rest;

import static io.dekube.apiserver.rest.HttpFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.server.RequestBodyHandler;
import io.dekube.core.model.Json;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Watches over a WebSocket upgrade (as fabric8 opens them): one text message per event. */
class RestApiWebSocketWatchTest extends RestApiTestBase {

  private static final String CLOSED = "<closed ";
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private WebSocket socket;

  @Override
  protected int windowCapacity() {
    return 5;
  }

  /** The apiserver's body handler: the JDK client's handshake carries Content-Length: 0. */
  @Override
  protected void installBefore(Router router) {
    router.route().handler(new RequestBodyHandler(Bodies.LIMIT));
  }

  @AfterEach
  void closeSocket() {
    if (socket != null) {
      socket.abort();
    }
  }

  /** Messages as they arrive; a close becomes {@code "<closed <code>"}. */
  private BlockingQueue<String> connect(String path, String origin) throws Exception {
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    WebSocket.Builder b = client.newWebSocketBuilder();
    if (origin != null) {
      b.header("Origin", origin);
    }
    socket = b.buildAsync(URI.create("ws://127.0.0.1:" + http.port() + path), new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          messages.add(text.toString());
          text.setLength(0);
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        messages.add(CLOSED + statusCode);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
    return messages;
  }

  private static ObjectNode next(BlockingQueue<String> messages) throws Exception {
    String m = messages.poll(10, TimeUnit.SECONDS);
    if (m == null) {
      throw new AssertionError("no message within 10 s");
    }
    assertTrue(m.endsWith("\n"), "each message is one JSON line, as kube's text framing writes it: " + m);
    return (ObjectNode) Json.MAPPER.readTree(m);
  }

  @Test
  void eventsArriveAsTextMessages() throws Exception {
    http.post("/api/v1/namespaces/d/configmaps", json("{'metadata':{'name':'before'},'data':{'k':'0'}}"));
    BlockingQueue<String> messages = connect("/api/v1/namespaces/d/configmaps?watch=true", "http://127.0.0.1");
    ObjectNode initial = next(messages);
    assertEquals("ADDED", initial.path("type").asText());
    assertEquals("before", initial.at("/object/metadata/name").asText());

    http.post("/api/v1/namespaces/d/configmaps", json("{'metadata':{'name':'c'},'data':{'k':'1'}}"));
    http.patch("/api/v1/namespaces/d/configmaps/c", "application/merge-patch+json", json("{'data':{'k':'2'}}"));
    http.delete("/api/v1/namespaces/d/configmaps/c");
    ObjectNode added = next(messages);
    assertEquals("ADDED", added.path("type").asText());
    assertEquals("1", added.at("/object/data/k").asText());
    assertEquals("ConfigMap", added.at("/object/kind").asText());
    ObjectNode modified = next(messages);
    assertEquals("MODIFIED", modified.path("type").asText());
    assertEquals("2", modified.at("/object/data/k").asText());
    assertEquals("DELETED", next(messages).path("type").asText());
  }

  @Test
  void theWatchTimeoutClosesTheSocketNormally() throws Exception {
    BlockingQueue<String> messages = connect("/api/v1/namespaces/d/configmaps?watch=1&timeoutSeconds=1",
        "http://127.0.0.1");
    assertEquals(CLOSED + WebSocket.NORMAL_CLOSURE, messages.poll(10, TimeUnit.SECONDS));
  }

  @Test
  void tooOldResourceVersionIsAnErrorMessageThenAClose() throws Exception {
    for (int i = 0; i < 8; i++) {
      http.post("/api/v1/namespaces/d/configmaps", json("{'metadata':{'name':'c" + i + "'}}"));
    }
    BlockingQueue<String> messages = connect("/api/v1/namespaces/d/configmaps?watch=1&resourceVersion=1",
        "http://127.0.0.1");
    ObjectNode e = next(messages);
    assertEquals("ERROR", e.path("type").asText());
    assertEquals(410, e.at("/object/code").asInt());
    assertEquals("Expired", e.at("/object/reason").asText());
    assertEquals(CLOSED + WebSocket.NORMAL_CLOSURE, messages.poll(10, TimeUnit.SECONDS));
  }

  @Test
  void anUpgradeWithoutOriginIsForbiddenAsGolangsWebsocketServerDoes() {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> connect("/api/v1/namespaces/d/configmaps?watch=true", null));
    WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
    assertEquals(403, handshake.getResponse().statusCode());
  }

  @Test
  void aPlainWatchIsStillAChunkedStream() throws Exception {
    HttpFixture.Watch w = http.watch("/api/v1/namespaces/d/configmaps?watch=true");
    assertEquals(200, w.response().statusCode());
    http.post("/api/v1/namespaces/d/configmaps", json("{'metadata':{'name':'plain'}}"));
    assertEquals("plain", w.next(Duration.ofSeconds(10)).at("/object/metadata/name").asText());
  }
}
