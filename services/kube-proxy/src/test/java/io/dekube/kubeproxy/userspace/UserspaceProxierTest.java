package io.dekube.kubeproxy.userspace;

import static io.dekube.kubeproxy.Fixtures.port;
import static io.dekube.kubeproxy.Fixtures.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The userspace proxy with real sockets on loopback addresses (no Kafka). */
class UserspaceProxierTest {

  private Vertx vertx;
  private final List<Integer> backendPorts = new ArrayList<>();
  private final String clusterIp = "127.96." + ThreadLocalRandom.current().nextInt(100, 250) + "."
      + ThreadLocalRandom.current().nextInt(2, 250);
  private final int servicePort = ThreadLocalRandom.current().nextInt(20_000, 29_000);

  @BeforeEach
  void backends() throws Exception {
    vertx = Vertx.vertx();
    for (String name : List.of("a", "b")) {
      NetServer s = vertx.createNetServer().connectHandler(sock -> sock.handler(buf -> sock.write(name + ":" + buf)));
      backendPorts.add(await(s.listen(0, "127.0.0.1")).actualPort());
    }
  }

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  private ServicePort service(List<Backend> backends) {
    return port("ns", "web", "", "TCP", servicePort, 0, clusterIp, backends);
  }

  private String roundTrip(NetSocket socket, String text) throws Exception {
    var reply = new java.util.concurrent.CompletableFuture<String>();
    socket.handler(b -> reply.complete(b.toString()));
    socket.write(Buffer.buffer(text));
    return reply.get(5, TimeUnit.SECONDS);
  }

  @Test
  void roundRobinsNewConnectionsAndKeepsEstablishedOnesAcrossEndpointChanges() throws Exception {
    UserspaceProxier proxier = new UserspaceProxier(vertx, "", List.of(), true);
    Backend a = ready("127.0.0.1", backendPorts.get(0), "n1");
    Backend b = ready("127.0.0.1", backendPorts.get(1), "n1");
    await(onContext(() -> proxier.sync(List.of(service(List.of(a, b))))));
    assertEquals(List.of("TCP " + clusterIp + ":" + servicePort), proxier.listening());
    var client = vertx.createNetClient();
    Set<String> seen = new HashSet<>();
    NetSocket first = await(client.connect(servicePort, clusterIp));
    seen.add(roundTrip(first, "x").substring(0, 1));
    NetSocket second = await(client.connect(servicePort, clusterIp));
    seen.add(roundTrip(second, "x").substring(0, 1));
    assertEquals(Set.of("a", "b"), seen, "two connections reach both endpoints");

    // endpoint a goes away: new connections go to b only, the established ones keep working
    await(onContext(() -> proxier.sync(List.of(service(List.of(b))))));
    for (int i = 0; i < 3; i++) {
      NetSocket s = await(client.connect(servicePort, clusterIp));
      assertEquals("b:hi", roundTrip(s, "hi"));
      s.close();
    }
    String again = roundTrip(first, "still") + roundTrip(second, "still");
    assertTrue(again.contains("a:still") && again.contains("b:still"), again);

    // the Service goes away: nothing listens any more
    await(onContext(() -> proxier.sync(List.of())));
    assertTrue(proxier.listening().isEmpty());
    // the listening socket's close is asynchronous in the OS: wait (bounded) until connects are refused
    org.awaitility.Awaitility.await("connect refused").atMost(java.time.Duration.ofSeconds(10))
        .until(() -> client.connect(servicePort, clusterIp).toCompletionStage().toCompletableFuture()
            .handle((s, e) -> {
              if (s != null) {
                s.close();
              }
              return e != null;
            }).get(5, TimeUnit.SECONDS));
    await(onContext(proxier::close));
  }

  @Test
  void aPodsConnectionReachesTheEndpointFromThePodsAddress() throws Exception {
    NetServer who = vertx.createNetServer().connectHandler(sock -> sock.handler(buf ->
        sock.write(sock.remoteAddress().hostAddress())));
    int whoPort = await(who.listen(0, "127.0.0.1")).actualPort();
    UserspaceProxier proxier = new UserspaceProxier(vertx, "", List.of(), true);
    await(onContext(() -> proxier.sync(List.of(service(List.of(ready("127.0.0.1", whoPort, "n1")))))));
    var pod = vertx.createNetClient(new io.vertx.core.net.NetClientOptions().setLocalAddress("127.244.7.9"));
    assertEquals("127.244.7.9", roundTrip(await(pod.connect(servicePort, clusterIp)), "?"),
        "the source address is kept, as kube-proxy's DNAT keeps it");
    assertEquals("127.0.0.1", roundTrip(await(vertx.createNetClient().connect(servicePort, clusterIp)), "?"),
        "the host's connections come from the host");
    await(onContext(proxier::close));
  }

  @Test
  void clientIpAffinityKeepsOneEndpoint() throws Exception {
    UserspaceProxier proxier = new UserspaceProxier(vertx, "", List.of(), true);
    ServicePort base = service(List.of(ready("127.0.0.1", backendPorts.get(0), "n"),
        ready("127.0.0.1", backendPorts.get(1), "n")));
    ServicePort sticky = new ServicePort(base.namespace(), base.name(), "", "TCP", base.port(), 0, "ClusterIP",
        base.clusterIps(), List.of(), List.of(), true, 60, false, false, base.backends());
    await(onContext(() -> proxier.sync(List.of(sticky))));
    var client = vertx.createNetClient();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      NetSocket s = await(client.connect(servicePort, clusterIp));
      seen.add(roundTrip(s, "x").substring(0, 1));
      s.close();
    }
    assertEquals(1, seen.size(), "one client address sticks to one endpoint: " + seen);
    await(onContext(proxier::close));
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    var p = io.vertx.core.Promise.<T>promise();
    vertx.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
