package io.dekube.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.HttpProxy;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What an app behind the ingress sees of its client: ingress-nginx's default request headers. */
class ForwardedHeadersTest {

  private Vertx vertx;
  private Context clientContext;
  private HttpClient client;
  private int proxyPort;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    HttpServer origin = await(vertx.createHttpServer().requestHandler(r -> {
      JsonObject seen = new JsonObject();
      r.headers().forEach(e -> seen.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
      r.response().end(seen.encode());
    }).listen(0, "127.0.0.1"));
    HttpProxy proxy = HttpProxy.reverseProxy(vertx.createHttpClient())
        .origin(origin.actualPort(), "127.0.0.1").addInterceptor(new ForwardedHeaders());
    proxyPort = await(vertx.createHttpServer().requestHandler(proxy).listen(0, "127.0.0.1")).actualPort();
    // the client on a context of its own: Vert.x 5.0.7's client used from a test thread can lose the end of a
    // response on a kept-alive connection (see NextUpstreamTest)
    clientContext = vertx.getOrCreateContext();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Map<String, Object> send(Map<String, String> headers) throws Exception {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(proxyPort)
        .setURI("/cart?id=1");
    headers.forEach(o::putHeader);
    String body = await(Future.<String>future(answer -> clientContext.runOnContext(v -> client.request(o)
        .compose(req -> req.send()).compose(HttpClientResponse::body).map(Object::toString).onComplete(answer))));
    return new JsonObject(body).getMap();
  }

  @Test
  void theAppSeesTheHostItWasCalledByAndWhoCalled() throws Exception {
    Map<String, Object> seen = send(Map.of("Host", "shop.example.com", "X-Forwarded-For", "203.0.113.7",
        "X-Forwarded-Proto", "https"));
    assertEquals("shop.example.com", seen.get("host"), "the client's Host, not the endpoint's address: " + seen);
    assertEquals("shop.example.com", seen.get("x-forwarded-host"));
    assertEquals("127.0.0.1", seen.get("x-real-ip"));
    assertEquals("127.0.0.1", seen.get("x-forwarded-for"), "the client's own claim is not trusted by default");
    assertEquals("203.0.113.7", seen.get("x-original-forwarded-for"));
    assertEquals(Integer.toString(proxyPort), seen.get("x-forwarded-port"));
    assertEquals("http", seen.get("x-forwarded-proto"));
    assertEquals("http", seen.get("x-forwarded-scheme"));
    assertEquals("http", seen.get("x-scheme"));
    assertTrue(String.valueOf(seen.get("x-request-id")).matches("[0-9a-f]{32}"), "X-Request-ID: " + seen);
  }

  @Test
  void eachRequestGetsItsOwnIdUnlessTheClientSentOne() throws Exception {
    Object first = send(Map.of("Host", "a.example.com")).get("x-request-id");
    assertNotEquals(first, send(Map.of("Host", "a.example.com")).get("x-request-id"));
    assertEquals("trace-42", send(Map.of("Host", "a.example.com", "X-Request-ID", "trace-42")).get("x-request-id"));
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
