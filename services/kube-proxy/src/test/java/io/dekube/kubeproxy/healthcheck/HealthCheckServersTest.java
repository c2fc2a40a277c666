package io.dekube.kubeproxy.healthcheck;

import static io.dekube.kubeproxy.Fixtures.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.net.ServicePort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** "Using Source IP": each node's health check node port answers as kube-proxy's, with real sockets. */
class HealthCheckServersTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private static ServicePort lb(boolean local, int healthCheckNodePort) {
    return new ServicePort("default", "loadbalancer", "", "TCP", 80, 31000, "LoadBalancer", List.of("127.96.0.5"),
        List.of("127.200.0.1"), List.of(), false, 0, local, false,
        List.of(ready("127.244.1.2", 8080, "n1"), ready("127.244.1.3", 8080, "n1")), healthCheckNodePort);
  }

  @Test
  void onlyALocalLoadBalancerIsChecked() {
    assertTrue(HealthChecks.plan(List.of(lb(false, 32122)), "n1", List.of("127.0.1.1")).isEmpty());
    assertTrue(HealthChecks.plan(List.of(lb(true, 0)), "n1", List.of("127.0.1.1")).isEmpty());
    assertEquals(2, HealthChecks.plan(List.of(lb(true, 32122)), "n1", List.of("127.0.1.1")).values().iterator().next()
        .localEndpoints());
  }

  @Test
  void aNodeWithEndpointsAnswers200AndOneWithout503() throws Exception {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String withIp = "127.0." + r.nextInt(100, 250) + "." + r.nextInt(2, 125);
    String withoutIp = "127.0." + r.nextInt(100, 250) + "." + r.nextInt(125, 250);
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(withIp))) {
      port = free.getLocalPort();
    }
    HealthCheckServers n1 = new HealthCheckServers(vertx, "n1");
    HealthCheckServers n2 = new HealthCheckServers(vertx, "n2");
    List<ServicePort> ports = List.of(lb(true, port));
    await(onContext(() -> n1.sync(HealthChecks.plan(ports, "n1", List.of(withIp)))));
    await(onContext(() -> n2.sync(HealthChecks.plan(ports, "n2", List.of(withoutIp)))));
    String[] ok = await(get(port, withIp));
    assertEquals("200 application/json", ok[0]);
    assertEquals("{\n\t\"service\": {\n\t\t\"namespace\": \"default\",\n\t\t\"name\": \"loadbalancer\"\n\t},\n"
        + "\t\"localEndpoints\": 2,\n\t\"serviceProxyHealthy\": true\n}", ok[1]);
    String[] none = await(get(port, withoutIp));
    assertEquals("503 application/json", none[0]);
    assertTrue(none[1].contains("\"localEndpoints\": 0,"), none[1]);
    await(onContext(() -> n1.sync(java.util.Map.of())));
    await(onContext(n2::close));
  }

  /** The status and content type, and the body. */
  private Future<String[]> get(int port, String host) {
    // the client is closed when the answer is in: Vert.x closes a client nothing references any more, which an
    // unreferenced one could meet mid-request ("Pool closed")
    io.vertx.core.http.HttpClient client = vertx.createHttpClient();
    return client.request(HttpMethod.GET, port, host, "/healthz").compose(req -> req.send())
        .compose(resp -> resp.body().map(b -> new String[] {resp.statusCode() + " " + resp.getHeader("Content-Type"),
            b.toString()})).eventually(client::close);
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    return io.dekube.kubeproxy.Fixtures.onContext(vertx, action);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return io.dekube.kubeproxy.Fixtures.await(f);
  }
}
