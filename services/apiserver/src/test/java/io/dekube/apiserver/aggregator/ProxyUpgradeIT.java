package io.dekube.apiserver.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.apiserver.ApiServerFixture;
import io.dekube.core.model.Json;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WebSocket upgrades through the apiserver's proxies, as kube's UpgradeAwareHandler passes them: to an
 * aggregated API server over HTTPS (as the user the apiserver saw), and through {@code services/proxy}
 * and {@code pods/proxy} to a plain WebSocket server; messages go both ways over the one connection.
 */
@WithKafka
class ProxyUpgradeIT {

  static ApiServerFixture server;
  static HttpClient admin;
  static Vertx vertx;
  static HttpServer plain;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(false);
    admin = server.client(server.pki.adminClientCertificate());
    vertx = Vertx.vertx();
    plain = vertx.createHttpServer().requestHandler(WardleServer::echo).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aWebSocketPassesTheAggregatorProxy() throws Exception {
    try (WardleServer wardle = new WardleServer("ws.wardle.svc", server.pki.ca().certificatePem())) {
      WardleServer.deleteApiService(server, admin);
      send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"ws\"}}");
      service("ws", "wardle", wardle.port());
      send("POST", "/apis/apiregistration.k8s.io/v1/apiservices", """
          {"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1alpha1.wardle.example.com"},
           "spec":{"group":"wardle.example.com","version":"v1alpha1","insecureSkipTLSVerify":true,
            "service":{"namespace":"ws","name":"wardle","port":443},"groupPriorityMinimum":1000,"versionPriority":15}}""");
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> server.get(admin,
          "/apis/wardle.example.com/v1alpha1/namespaces/ws/flunders").statusCode() == 200);
      assertEcho("/apis/wardle.example.com/v1alpha1/namespaces/ws/flunders/echo?x=1",
          "admin /apis/wardle.example.com/v1alpha1/namespaces/ws/flunders/echo?x=1");
    } finally {
      WardleServer.deleteApiService(server, admin);
    }
  }

  @Test
  void aWebSocketPassesTheServiceAndPodProxies() throws Exception {
    send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"wsplain\"}}");
    service("wsplain", "echo", plain.actualPort());
    assertEcho("/api/v1/namespaces/wsplain/services/echo:https/proxy/echo?y=2", "null /echo?y=2");
    send("POST", "/api/v1/namespaces/wsplain/pods", """
        {"metadata":{"name":"echo"},"spec":{"containers":[{"name":"c","image":"dekube/echo",
         "ports":[{"containerPort":%d}]}]}}""".formatted(plain.actualPort()));
    String pod = server.get(admin, "/api/v1/namespaces/wsplain/pods/echo").body();
    var status = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(pod);
    status.withObject("/status").put("podIP", "127.0.0.1");
    send("PUT", "/api/v1/namespaces/wsplain/pods/echo/status", status.toString());
    assertEcho("/api/v1/namespaces/wsplain/pods/echo/proxy/echo", "null /echo");
  }

  private static void service(String namespace, String name, int port) throws Exception {
    WardleServer.service(server, admin, namespace, name, port);
  }

  /**
   * Opens a WebSocket at {@code path} of the apiserver, sends two messages and expects their echoes. The proxy answers
   * 503 until the apiserver's informers have the Service's endpoints or the pod's IP just written, as kube's does: the
   * handshake is tried again on a 503 for up to 30 s.
   */
  private static void assertEcho(String path, String prefix) throws Exception {
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket.Listener listener = new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        received.add(data.toString());
        socket.request(1);
        return CompletableFuture.completedFuture(null);
      }
    };
    URI uri = URI.create(server.server().replace("https:", "wss:") + path);
    WebSocket ws = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .pollInterval(java.time.Duration.ofMillis(100)).until(() -> open(uri, listener), java.util.Objects::nonNull);
    ws.sendText("hello", true).get(10, TimeUnit.SECONDS);
    assertEquals(prefix + ": hello", received.poll(30, TimeUnit.SECONDS));
    ws.sendText("again", true).get(10, TimeUnit.SECONDS);
    assertEquals(prefix + ": again", received.poll(30, TimeUnit.SECONDS));
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
  }

  /** The WebSocket at {@code uri}; null when the proxy answered the handshake 503. */
  private static WebSocket open(URI uri, WebSocket.Listener listener) throws Exception {
    try {
      return admin.newWebSocketBuilder().buildAsync(uri, listener).get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h && h.getResponse().statusCode() == 503) {
        return null;
      }
      throw e;
    }
  }

  private static void send(String method, String path, String body) throws Exception {
    server.send(admin, method, path, body, method.equals("POST") ? 201 : 200);
  }
}
