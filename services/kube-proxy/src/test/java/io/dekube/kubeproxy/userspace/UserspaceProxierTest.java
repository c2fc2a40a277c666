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

  /** "Debug Services"' Service without endpoints: refused, as kube-proxy's "has no endpoints" REJECT answers. */
  @Test
  void aServiceWithoutEndpointsRefusesConnections() throws Exception {
    UserspaceProxier proxier = new UserspaceProxier(vertx, "", List.of(), true);
    await(onContext(() -> proxier.sync(List.of(service(List.of())))));
    assertEquals(List.of(), proxier.listening());
    var client = vertx.createNetClient();
    Throwable refused = client.connect(servicePort, clusterIp).toCompletionStage().toCompletableFuture()
        .handle((s, e) -> e).get(5, TimeUnit.SECONDS);
    assertTrue(refused != null && String.valueOf(refused.getMessage()).contains("Connection refused"),
        String.valueOf(refused));
    await(onContext(() -> proxier.sync(List.of(service(List.of(ready("127.0.0.1", backendPorts.get(0), "n1")))))));
    assertEquals("a:hi", roundTrip(await(client.connect(servicePort, clusterIp)), "hi"));
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

  /**
   * As kube-proxy's localhost NodePorts: the process-wide proxy serves each NodePort on 127.0.0.1 too, with
   * every endpoint for {@code externalTrafficPolicy: Local} (traffic from the node itself goes to all, as
   * kube-proxy routes LOCAL traffic); a node's proxy does not.
   */
  @Test
  void nodePortsAnswerOn127001AlsoWithALocalPolicy() throws Exception {
    int nodePort; // a port free on 127.0.0.1 now (other clusters on this machine serve their NodePorts there)
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      nodePort = free.getLocalPort();
    }
    ServicePort base = port("ns", "web", "", "TCP", servicePort, nodePort, clusterIp,
        List.of(ready("127.0.0.1", backendPorts.get(0), "n1"), ready("127.0.0.1", backendPorts.get(1), "n2")));
    ServicePort local = new ServicePort(base.namespace(), base.name(), "", "TCP", base.port(), nodePort, "NodePort",
        base.clusterIps(), List.of(), List.of(), false, 0, true, false, base.backends());
    UserspaceProxier node = new UserspaceProxier(vertx, "n1", List.of(), false);
    await(onContext(() -> node.sync(List.of(local))));
    assertTrue(node.listening().isEmpty(), node.listening()::toString);
    UserspaceProxier proxier = new UserspaceProxier(vertx, "", List.of(), true);
    await(onContext(() -> proxier.sync(List.of(local))));
    assertEquals(List.of("TCP 127.0.0.1:" + nodePort, "TCP " + clusterIp + ":" + servicePort), proxier.listening());
    var client = vertx.createNetClient();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 2; i++) {
      NetSocket s = await(client.connect(nodePort, "127.0.0.1"));
      seen.add(roundTrip(s, "x").substring(0, 1));
      s.close();
    }
    assertEquals(Set.of("a", "b"), seen, "both nodes' endpoints");
    await(onContext(proxier::close));
  }

  /**
   * 127.0.0.1:nodePort held by another program: logged, the Service's other addresses served, and the port
   * taken at a later change once it is free.
   */
  @Test
  void aLocalhostNodePortInUseIsLeftOutUntilItIsFree() throws Exception {
    java.net.ServerSocket squatter = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
    int nodePort = squatter.getLocalPort();
    UserspaceProxier proxier = new UserspaceProxier(vertx, "", List.of(), true);
    List<ServicePort> web = List.of(port("ns", "web", "", "TCP", servicePort, nodePort, clusterIp,
        List.of(ready("127.0.0.1", backendPorts.get(0), "n1"))));
    await(onContext(() -> proxier.sync(web)));
    assertEquals(List.of("TCP " + clusterIp + ":" + servicePort), proxier.listening());
    assertEquals("a:x", roundTrip(await(vertx.createNetClient().connect(servicePort, clusterIp)), "x"));
    squatter.close();
    org.awaitility.Awaitility.await("127.0.0.1 taken at a later change").atMost(java.time.Duration.ofSeconds(10))
        .until(() -> {
          await(onContext(() -> proxier.sync(web)));
          return proxier.listening().equals(List.of("TCP 127.0.0.1:" + nodePort, "TCP " + clusterIp + ":" + servicePort));
        });
    assertEquals("a:y", roundTrip(await(vertx.createNetClient().connect(nodePort, "127.0.0.1")), "y"));
    await(onContext(proxier::close));
  }

  /**
   * "Using Source IP": under {@code externalTrafficPolicy: Cluster} a NodePort's endpoint sees the node's
   * address (kube-proxy's masquerade), a LoadBalancer's the address of the endpoint's node; under {@code Local}
   * both see the client's.
   */
  @Test
  void externalTrafficIsMasqueradedToANodeUnlessThePolicyIsLocal() throws Exception {
    NetServer who = vertx.createNetServer().connectHandler(sock -> sock.handler(buf ->
        sock.write(sock.remoteAddress().hostAddress())));
    int whoPort = await(who.listen(0, "127.0.0.1")).actualPort();
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String nodeIp = "127.0." + r.nextInt(100, 250) + "." + r.nextInt(2, 250);
    String endpointNodeIp = "127.0." + r.nextInt(100, 250) + "." + r.nextInt(2, 250);
    String lbIp = "127.200." + r.nextInt(100, 250) + "." + r.nextInt(2, 250);
    int nodePort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(nodeIp))) {
      nodePort = free.getLocalPort();
    }
    List<Backend> backends = List.of(ready("127.0.0.1", whoPort, "n1"));
    java.util.function.Function<Boolean, ServicePort> lb = local -> new ServicePort("ns", "web", "", "TCP",
        servicePort, nodePort, "LoadBalancer", List.of(clusterIp), List.of(lbIp), List.of(), false, 0, local, false,
        backends);
    UserspaceProxier node = new UserspaceProxier(vertx, "n1", List.of(nodeIp), false);
    UserspaceProxier cluster = new UserspaceProxier(vertx, "", List.of(), true,
        name -> name.equals("n1") ? endpointNodeIp : null);
    await(onContext(() -> node.sync(List.of(lb.apply(false)))));
    await(onContext(() -> cluster.sync(List.of(lb.apply(false)))));
    var client = vertx.createNetClient();
    assertEquals(nodeIp, roundTrip(await(client.connect(nodePort, nodeIp)), "?"), "the NodePort's node");
    assertEquals(endpointNodeIp, roundTrip(await(client.connect(servicePort, lbIp)), "?"), "the endpoint's node");
    assertEquals("127.0.0.1", roundTrip(await(client.connect(servicePort, clusterIp)), "?"), "a ClusterIP keeps it");
    await(onContext(() -> node.sync(List.of(lb.apply(true)))));
    await(onContext(() -> cluster.sync(List.of(lb.apply(true)))));
    assertEquals("127.0.0.1", roundTrip(await(client.connect(nodePort, nodeIp)), "?"), "Local: the client");
    assertEquals("127.0.0.1", roundTrip(await(client.connect(servicePort, lbIp)), "?"), "Local: the client");
    await(onContext(node::close));
    await(onContext(cluster::close));
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> action) {
    return io.dekube.kubeproxy.Fixtures.onContext(vertx, action);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return io.dekube.kubeproxy.Fixtures.await(f);
  }
}
