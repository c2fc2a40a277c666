package io.dekube.kubelet.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An httpGet probe's failures in the words of kube's prober (Go's HTTP client and dialer). */
class ActionsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String failure(int port) throws Exception {
    var action = new HTTPGetActionBuilder().withPath("/healthz").withPort(new IntOrString(port)).build();
    try {
      new Actions(vertx).httpGet(action, new Container(), "127.0.0.1", 5_000, "kube-probe/1.32")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause().getMessage();
    }
    throw new AssertionError("answered");
  }

  @Test
  void aServerThatClosesUnansweredIsEofAsGoSaysIt() throws Exception {
    int port = vertx.createNetServer().connectHandler(NetSocket::close).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    for (int i = 0; i < 20; i++) { // the close races the request's hand-over: both ways read the same
      assertEquals("Get \"http://127.0.0.1:" + port + "/healthz\": EOF", failure(port));
    }
  }

  /** An HTTPS probe of a plain HTTP server: Go's client reads {@code HTTP/} where a TLS record should be. */
  @Test
  void anHttpsGetAnsweredInPlainHttpIsGosServerGaveHttpResponse() throws Exception {
    try (PlainHttpServer server = new PlainHttpServer()) {
      var action = new HTTPGetActionBuilder().withPath("/healthz").withPort(new IntOrString(server.port()))
          .withScheme("HTTPS").build();
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () ->
          new Actions(vertx).httpGet(action, new Container(), "127.0.0.1", 5_000, "kube-probe/1.32")
              .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertEquals(Actions.HttpResponseToHttps.class, e.getCause().getClass());
      assertEquals("Get \"https://127.0.0.1:" + server.port() + "/healthz\": http: server gave HTTP response to HTTPS "
          + "client", e.getCause().getMessage());
    }
  }

  @Test
  void aClosedPortIsTheDialersConnectionRefused() throws Exception {
    assertEquals("Get \"http://127.0.0.1:1/healthz\": dial tcp 127.0.0.1:1: connect: connection refused",
        failure(1));
  }
}
