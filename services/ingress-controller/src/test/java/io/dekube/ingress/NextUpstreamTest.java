package io.dekube.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.core.net.Backend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.OriginRequestProvider;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A proxy whose first endpoint refuses connections (a pod whose server just stopped) or closes them
 * once it got the request (a pod stopping with the request in its socket): GET goes on to the live
 * endpoint, again and again on the same kept-alive client connection; a POST with a body is tried
 * once and gets 502.
 */
class NextUpstreamTest {

  private Vertx vertx;
  private HttpClient client;
  private int proxyPort;
  private Backend dead;
  private Backend live;
  private Backend closing;
  private List<Backend> order;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    try (ServerSocket s = new ServerSocket(0)) { // closed again: connections to it are refused
      dead = new Backend("127.0.0.1", s.getLocalPort(), true, "", "", "dead");
    }
    HttpServer origin = await(vertx.createHttpServer().requestHandler(r -> r.body().onSuccess(b ->
        r.response().end("live " + r.method() + " " + b.length()))).listen(0, "127.0.0.1"));
    live = new Backend("127.0.0.1", origin.actualPort(), true, "", "", "live");
    io.vertx.core.net.NetServer closer = await(vertx.createNetServer().connectHandler(so -> so.handler(b -> so.close()))
        .listen(0, "127.0.0.1"));
    closing = new Backend("127.0.0.1", closer.actualPort(), true, "", "", "closing");
    order = List.of(dead, live);
    HttpProxy proxy = HttpProxy.reverseProxy(vertx.createHttpClient())
        .origin(OriginRequestProvider.selector(ctx -> Future.succeededFuture(
            ctx.get(NextUpstream.BACKEND, SocketAddress.class))))
        .addInterceptor(new NextUpstream(req -> order));
    proxyPort = await(vertx.createHttpServer().requestHandler(proxy).listen(0, "127.0.0.1")).actualPort();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  @Test
  void anIdempotentRequestGoesToTheNextEndpointWhenTheFirstRefuses() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals("200 live GET 0", send(HttpMethod.GET, null));
    }
  }

  @Test
  void anIdempotentRequestGoesToTheNextEndpointWhenTheFirstClosesTheConnection() throws Exception {
    order = List.of(closing, live);
    for (int i = 0; i < 3; i++) { // the same kept-alive connection to the proxy each time
      assertEquals("200 live GET 0", send(HttpMethod.GET, null));
    }
  }

  @Test
  void aRequestWithABodyIsTriedOnce() throws Exception {
    assertEquals("502 ", send(HttpMethod.POST, "payload"));
  }

  private String send(HttpMethod method, String body) throws Exception {
    return await(client.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(proxyPort)
        .setURI("/")).compose(r -> body == null ? r.send() : r.send(body))
        .compose((HttpClientResponse resp) -> resp.body().map(b -> resp.statusCode() + " " + b)));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
