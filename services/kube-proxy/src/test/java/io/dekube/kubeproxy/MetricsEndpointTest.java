package io.dekube.kubeproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** "Using Source IP"'s {@code curl localhost:10249/proxyMode}, on a node's address, with real sockets. */
class MetricsEndpointTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  void answersTheProxyModeAndLeavesOutAnAddressInUse() throws Exception {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String node = "127.0." + r.nextInt(100, 250) + "." + r.nextInt(2, 125);
    String taken = "127.0." + r.nextInt(100, 250) + "." + r.nextInt(125, 250);
    try (java.net.ServerSocket squatter = new java.net.ServerSocket(MetricsEndpoint.PORT, 1,
        java.net.InetAddress.getByName(taken))) {
      MetricsEndpoint endpoint = new MetricsEndpoint();
      await(endpoint.start(vertx, List.of(node, taken), MetricsEndpoint.PORT, "userspace"));
      assertEquals("200 userspace", await(get(node, "/proxyMode")));
      assertEquals("200 ok", await(get(node, "/healthz")));
      assertEquals("404 404 page not found\n", await(get(node, "/nothing")));
      await(endpoint.close());
    }
  }

  @Test
  void servesOnTheConfiguredPort() throws Exception {
    String host = "127.0." + ThreadLocalRandom.current().nextInt(100, 250) + ".250";
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      port = free.getLocalPort();
    }
    MetricsEndpoint endpoint = new MetricsEndpoint();
    await(endpoint.start(vertx, List.of(host), port, "iptables"));
    assertEquals("200 iptables", await(get(host, port, "/proxyMode")));
    await(endpoint.close());
  }

  private Future<String> get(String host, String path) {
    return get(host, MetricsEndpoint.PORT, path);
  }

  /** The status and body; the client is closed when the answer is in (Vert.x closes an unreferenced one). */
  private Future<String> get(String host, int port, String path) {
    io.vertx.core.http.HttpClient client = vertx.createHttpClient();
    return client.request(HttpMethod.GET, port, host, path).compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b)).eventually(client::close);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return io.dekube.kubeproxy.Fixtures.await(f);
  }
}
