package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.server.RequestBodyHandler;
import io.dekube.core.model.Json;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * exec through the apiserver to a kubelet, in kube-apiserver's order: a v5 client (kubectl 1.30+) is upgraded
 * before the kubelet is dialled, so no output can come with the 101 (kubectl 1.32 drops a frame that comes before
 * it has created its stdout stream); what it sends meanwhile waits for the kubelet; a kubelet's refusal ends on
 * the error channel. Older protocols keep the upgrade-aware proxy's order. A fake kubelet over TLS.
 */
class ChannelRelayTest extends RestApiTestBase {

  private static final String SUCCESS = "{\"metadata\":{},\"status\":\"Success\"}";
  private static final String CLOSED = "<closed>";

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<WebSocket> sockets = new ArrayList<>();
  /** What the fake kubelet does with an exec request (on its event loop). */
  private volatile Consumer<HttpServerRequest> kubelet;
  private volatile Promise<Void> gate;
  private HttpServer kubeletServer;

  @Override
  protected RestApi configure(RestApi api) {
    return api.withKubeletClients(vertx.createHttpClient(new HttpClientOptions().setTrustAll(true)),
        vertx.createWebSocketClient(new WebSocketClientOptions().setTrustAll(true).setVerifyHost(false)));
  }

  /** The apiserver's body handler: the JDK client's handshake carries Content-Length: 0. */
  @Override
  protected void installBefore(Router router) {
    router.route().handler(new RequestBodyHandler(Bodies.LIMIT));
  }

  @BeforeEach
  void startKubelet() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create();
    kubeletServer = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions())
            .setWebSocketSubProtocols(WebSocketUpgrade.CHANNEL_PROTOCOLS))
        .requestHandler(req -> {
          Context here = vertx.getOrCreateContext();
          req.pause();
          gate.future().onComplete(v -> here.runOnContext(x -> kubelet.accept(req)));
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    gate = Promise.promise();
    gate.complete();
    ObjectNode node = (ObjectNode) Json.MAPPER.readTree(HttpFixture.json("{'apiVersion':'v1','kind':'Node',"
        + "'metadata':{'name':'n1'},'status':{'addresses':[{'type':'InternalIP','address':'127.0.0.1'}],"
        + "'daemonEndpoints':{'kubeletEndpoint':{'Port':" + kubeletServer.actualPort() + "}}}}"));
    backend.create(registry.byResourceName("nodes").orElseThrow(), "", node, WriteOptions.none());
    ObjectNode pod = (ObjectNode) Json.MAPPER.readTree(pod("ns", "p", ""));
    ((ObjectNode) pod.get("spec")).put("nodeName", "n1");
    backend.create(registry.byResourceName("pods").orElseThrow(), "ns", pod, WriteOptions.none());
  }

  @AfterEach
  void closeSockets() {
    sockets.forEach(WebSocket::abort);
  }

  /** The kubelet runs {@code hostname}: its output, its Success and its close at once, as a built-in command does. */
  private void kubeletAnswersAtOnce() {
    kubelet = req -> req.toWebSocket().onSuccess(ws -> {
      ws.writeBinaryMessage(frame(1, "p\n"));
      ws.writeBinaryMessage(frame(3, SUCCESS));
      ws.close();
    });
  }

  @Test
  void aV5ClientIsUpgradedBeforeTheKubeletIsDialled() throws Exception {
    kubeletAnswersAtOnce();
    gate = Promise.promise(); // the kubelet answers only once the client has its 101
    Exec exec = exec("v5.channel.k8s.io");
    vertx.runOnContext(v -> gate.complete());
    assertEquals(List.of("1:p\n", "3:" + SUCCESS, CLOSED), exec.messages(3));
  }

  @Test
  void stdinSentBeforeTheKubeletIsThereReachesIt() throws Exception {
    List<String> got = new CopyOnWriteArrayList<>();
    kubelet = req -> req.toWebSocket().onSuccess(ws -> ws.binaryMessageHandler(m -> {
      got.add(m.getUnsignedByte(0) + ":" + m.slice(1, m.length()).toString(StandardCharsets.UTF_8));
      if (m.getUnsignedByte(0) == 255) { // v5's close of stdin: cat ends
        ws.writeBinaryMessage(frame(3, SUCCESS));
        ws.close();
      }
    }));
    gate = Promise.promise();
    Exec exec = exec("v5.channel.k8s.io");
    exec.socket.sendBinary(ByteBuffer.wrap(frame(0, "abc\n").getBytes()), true).get(10, TimeUnit.SECONDS);
    exec.socket.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).get(10, TimeUnit.SECONDS);
    vertx.runOnContext(v -> gate.complete());
    assertEquals(List.of("3:" + SUCCESS, CLOSED), exec.messages(2));
    assertEquals(List.of("0:abc\n", "255:\0"), got);
  }

  @Test
  void aKubeletsRefusalEndsOnTheErrorChannelAsTheTranslatorsInternalError() throws Exception {
    kubelet = req -> req.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("container not found (\"c\")");
    String cause = "unable to upgrade connection: container not found (\\\"c\\\")";
    assertEquals(List.of("3:{\"metadata\":{},\"status\":\"Failure\",\"message\":\"Internal error occurred: " + cause
        + "\",\"reason\":\"InternalError\",\"details\":{\"causes\":[{\"message\":\"" + cause + "\"}]},\"code\":500}",
        CLOSED), exec("v5.channel.k8s.io").messages(2));
  }

  @Test
  void anOlderProtocolGetsTheKubeletsRefusalAsItsAnswer() {
    kubelet = req -> req.response().setStatusCode(500).end("container not found (\"c\")");
    ExecutionException e = assertThrows(ExecutionException.class, () -> exec("v4.channel.k8s.io"));
    assertEquals(500, assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode());
  }

  @Test
  void anOlderProtocolStillGetsWhatTheKubeletSentBeforeTheUpgrade() throws Exception {
    kubeletAnswersAtOnce();
    assertEquals(List.of("1:p\n", "3:" + SUCCESS, CLOSED), exec("v4.channel.k8s.io").messages(3));
  }

  private static Buffer frame(int channel, String data) {
    return Buffer.buffer().appendByte((byte) channel).appendString(data);
  }

  /** An exec client's socket and the messages it got: {@code channel:text}, its close as {@link #CLOSED}. */
  private record Exec(WebSocket socket, BlockingQueue<String> queue) {
    List<String> messages(int n) throws InterruptedException {
      List<String> out = new ArrayList<>();
      while (out.size() < n) {
        String m = queue.poll(10, TimeUnit.SECONDS);
        if (m == null) {
          break;
        }
        out.add(m);
      }
      return out;
    }
  }

  private Exec exec(String protocol) throws Exception {
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    WebSocket ws = client.newWebSocketBuilder().subprotocols(protocol).connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create("ws://127.0.0.1:" + http.port() + "/api/v1/namespaces/ns/pods/p/exec?command=hostname"
            + "&stdout=true&stderr=true"), new WebSocket.Listener() {
              private final java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();

              @Override
              public CompletionStage<?> onBinary(WebSocket w, ByteBuffer b, boolean last) {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                data.writeBytes(bytes);
                if (last) {
                  byte[] m = data.toByteArray();
                  data.reset();
                  messages.add((m[0] & 0xff) + ":" + new String(m, 1, m.length - 1, StandardCharsets.UTF_8));
                }
                w.request(1);
                return null;
              }

              @Override
              public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                messages.add(CLOSED);
                return null;
              }
            }).get(10, TimeUnit.SECONDS);
    sockets.add(ws);
    return new Exec(ws, messages);
  }
}
