package io.dekube.store.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.Verb;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ClusterIP and NodePort allocation in the writer: kube's rules and 422 wording. */
class ServiceAllocationTest {

  private final TestStore store = new TestStore();

  private static ObjectNode svc(String name, String type, String clusterIp, Integer nodePort) {
    ObjectNode o = TestStore.obj("default", name);
    ObjectNode spec = o.putObject("spec");
    if (type != null) {
      spec.put("type", type);
    }
    if (clusterIp != null) {
      spec.put("clusterIP", clusterIp);
    }
    ObjectNode port = spec.putArray("ports").addObject().put("port", 80).put("protocol", "TCP");
    if (nodePort != null) {
      port.put("nodePort", nodePort);
    }
    return o;
  }

  private ReplyEnvelope create(ObjectNode svc) {
    return store.run(store.req(Verb.CREATE, "services", "default", null, svc));
  }

  private static String ip(ReplyEnvelope r) {
    return r.object().path("spec").path("clusterIP").asText();
  }

  private static long offset(String ip) {
    return io.dekube.core.net.Ipv4.Cidr.parse("127.96.0.0/16").offsetOf(ip);
  }

  private static int nodePort(ReplyEnvelope r) {
    return r.object().path("spec").path("ports").get(0).path("nodePort").asInt();
  }

  /**
   * kube 1.32 (ServiceIPStaticSubrange): a /16's first 256 addresses are the static band; the others are
   * picked at random, not in order.
   */
  @Test
  void dynamicAddressesArePickedAtRandomAboveTheStaticBandAndFilledInEveryField() {
    ReplyEnvelope a = create(svc("a", null, null, null));
    assertTrue(a.ok(), () -> a.status().toString());
    String ip = ip(a);
    assertEquals("[\"" + ip + "\"]", a.object().path("spec").path("clusterIPs").toString());
    assertEquals("[\"IPv4\"]", a.object().path("spec").path("ipFamilies").toString());
    assertEquals("SingleStack", a.object().path("spec").path("ipFamilyPolicy").asText());
    List<Long> offsets = new java.util.ArrayList<>(List.of(offset(ip)));
    for (int i = 0; i < 8; i++) {
      offsets.add(offset(ip(create(svc("s" + i, null, null, null)))));
    }
    assertTrue(offsets.stream().allMatch(o -> o > 256 && o < 65535), offsets::toString);
    assertPickedAtRandom(offsets);
  }

  /** Distinct, and not handed out one after the other. */
  private static void assertPickedAtRandom(List<? extends Number> picked) {
    List<Long> values = picked.stream().map(Number::longValue).toList();
    assertEquals(values.size(), new java.util.HashSet<>(values).size(), values::toString);
    long ascendingNeighbours = java.util.stream.IntStream.range(1, values.size())
        .filter(i -> values.get(i) == values.get(i - 1) + 1).count();
    assertTrue(ascendingNeighbours < 4, () -> "handed out in order: " + values);
  }

  /** A /27's 30 usable addresses: 16 static, 14 dynamic; the static band is used once the dynamic one is full. */
  @Test
  void theStaticBandIsUsedOnlyWhenTheDynamicBandIsFull() {
    TestStore small = new TestStore(new ServiceRanges(io.dekube.core.net.Ipv4.Cidr.parse("127.96.0.0/27"), 30000,
        32767));
    java.util.Set<Long> dynamic = new java.util.HashSet<>();
    for (int i = 0; i < 14; i++) {
      ReplyEnvelope r = small.run(small.req(Verb.CREATE, "services", "default", null, svc("d" + i, null, null, null)));
      dynamic.add(offset(ip(r)));
    }
    assertEquals(java.util.stream.LongStream.rangeClosed(17, 30).boxed().collect(java.util.stream.Collectors.toSet()),
        dynamic);
    ReplyEnvelope next = small.run(small.req(Verb.CREATE, "services", "default", null, svc("s", null, null, null)));
    long o = offset(ip(next));
    assertTrue(o >= 1 && o <= 16, () -> ip(next));
    for (int i = 0; i < 15; i++) {
      small.run(small.req(Verb.CREATE, "services", "default", null, svc("f" + i, null, null, null)));
    }
    ReplyEnvelope full = small.run(small.req(Verb.CREATE, "services", "default", null, svc("full", null, null, null)));
    assertEquals(500, full.code());
    assertEquals("Internal error occurred: failed to allocate a serviceIP: range is full",
        full.status().path("message").asText());
  }

  @Test
  void askedAddressIsHonouredOrRefusedWithKubesWording() {
    assertEquals("127.96.0.1", ip(create(svc("kubernetes", null, "127.96.0.1", null))));
    ReplyEnvelope taken = create(svc("other", null, "127.96.0.1", null));
    assertEquals(422, taken.code());
    assertEquals("Service \"other\" is invalid: spec.clusterIPs: Invalid value: []string{\"127.96.0.1\"}: failed to"
        + " allocate IP 127.96.0.1: provided IP is already allocated", taken.status().path("message").asText());
    ReplyEnvelope outside = create(svc("out", null, "10.0.0.1", null));
    assertEquals(422, outside.code());
    assertEquals("Service \"out\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.0.0.1\"}: failed to"
        + " allocate IP 10.0.0.1: the provided IP (10.0.0.1) is not in the valid range. The range of valid IPs is"
        + " 127.96.0.0/16", outside.status().path("message").asText());
  }

  @Test
  void headlessGetsNoneAndAllocatesNothing() {
    ReplyEnvelope h = create(svc("h", null, "None", null));
    assertEquals("None", ip(h));
    assertEquals("[\"None\"]", h.object().path("spec").path("clusterIPs").toString());
  }

  @Test
  void nodePortsAllocatedAskedForAndRefusedOnCollision() {
    ReplyEnvelope web = create(svc("web", "NodePort", null, 31579));
    assertEquals(31579, web.object().path("spec").path("ports").get(0).path("nodePort").asInt());
    ReplyEnvelope auto = create(svc("auto", "NodePort", null, null));
    assertTrue(auto.ok(), () -> auto.status().toString());
    ReplyEnvelope clash = create(svc("clash", "NodePort", null, 31579));
    assertEquals(422, clash.code());
    assertEquals("Service \"clash\" is invalid: spec.ports[0].nodePort: Invalid value: 31579: provided port is already"
        + " allocated", clash.status().path("message").asText());
    assertEquals(422, create(svc("range", "NodePort", null, 80)).code());
  }

  /**
   * kube 1.32 (ServiceNodePortStaticSubrange): of 30000-32767, 30000-30085 are kept for asked-for ports; the
   * others are picked at random.
   */
  @Test
  void nodePortsArePickedAtRandomAboveTheStaticBand() {
    List<Integer> ports = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ports.add(nodePort(create(svc("np" + i, "NodePort", null, null))));
    }
    assertTrue(ports.stream().allMatch(p -> p >= 30086 && p <= 32767), ports::toString);
    assertPickedAtRandom(ports);
  }

  /** A range of 40 ports: the 16 static ones are used once the 24 above them are taken. */
  @Test
  void theStaticPortsAreUsedOnlyWhenTheDynamicOnesAreTaken() {
    TestStore small = new TestStore(new ServiceRanges(io.dekube.core.net.Ipv4.Cidr.parse("127.96.0.0/16"), 30000,
        30039));
    java.util.Set<Integer> dynamic = new java.util.TreeSet<>();
    for (int i = 0; i < 24; i++) {
      dynamic.add(nodePort(small.run(small.req(Verb.CREATE, "services", "default", null,
          svc("d" + i, "NodePort", null, null)))));
    }
    assertEquals(java.util.stream.IntStream.rangeClosed(30016, 30039).boxed().toList(), List.copyOf(dynamic));
    int next = nodePort(small.run(small.req(Verb.CREATE, "services", "default", null, svc("s", "NodePort", null, null))));
    assertTrue(next >= 30000 && next < 30016, () -> Integer.toString(next));
  }

  /** "Using Source IP": a LoadBalancer with externalTrafficPolicy Local gets a healthCheckNodePort; Cluster drops it. */
  @Test
  void aLocalLoadBalancerGetsAHealthCheckNodePortKeptOnUpdateAndDroppedForCluster() {
    ObjectNode lb = svc("lb", "LoadBalancer", null, null);
    lb.with("spec").put("externalTrafficPolicy", "Local");
    ReplyEnvelope created = create(lb);
    assertTrue(created.ok(), () -> created.status().toString());
    int hc = created.object().path("spec").path("healthCheckNodePort").asInt();
    assertTrue(hc >= 30086 && hc <= 32767 && hc != nodePort(created), () -> created.object().toString());
    ObjectNode clash = svc("clash", "LoadBalancer", null, null);
    clash.with("spec").put("externalTrafficPolicy", "Local").put("healthCheckNodePort", hc);
    assertEquals("Service \"clash\" is invalid: spec.healthCheckNodePort: Invalid value: " + hc + ": provided port is"
        + " already allocated", create(clash).status().path("message").asText());
    ObjectNode labelled = created.object().deepCopy();
    labelled.with("metadata").putObject("labels").put("x", "y");
    ReplyEnvelope kept = store.run(store.req(Verb.UPDATE, "services", "default", "lb", labelled));
    assertEquals(hc, kept.object().path("spec").path("healthCheckNodePort").asInt());
    ObjectNode cluster = kept.object().deepCopy();
    cluster.with("spec").put("externalTrafficPolicy", "Cluster");
    ReplyEnvelope dropped = store.run(store.req(Verb.UPDATE, "services", "default", "lb", cluster));
    assertTrue(dropped.ok(), () -> dropped.status().toString());
    assertTrue(dropped.object().path("spec").path("healthCheckNodePort").isMissingNode(), () ->
        dropped.object().toString());
    assertEquals(0, create(svc("plain", "NodePort", null, null)).object().path("spec").path("healthCheckNodePort")
        .asInt());
  }

  /** kube's healthCheckNodePortAllowed: asked for on a Service that cannot use one, it is refused, not dropped. */
  @Test
  void aHealthCheckNodePortAskedForOutsideALocalLoadBalancerIsRefused() {
    ObjectNode nodePort = svc("np", "NodePort", null, null);
    nodePort.with("spec").put("healthCheckNodePort", 31000);
    assertEquals("Service \"np\" is invalid: spec.healthCheckNodePort: Invalid value: 31000: may only be set when"
        + " `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'", create(nodePort).status().path("message")
        .asText());
    ObjectNode lb = svc("lb", "LoadBalancer", null, null);
    lb.with("spec").put("externalTrafficPolicy", "Local");
    ReplyEnvelope created = create(lb);
    ObjectNode other = created.object().deepCopy();
    other.with("spec").put("externalTrafficPolicy", "Cluster").put("healthCheckNodePort", 31001);
    ReplyEnvelope refused = store.run(store.req(Verb.UPDATE, "services", "default", "lb", other));
    assertEquals(422, refused.status().path("code").asInt(), () -> refused.status().toString());
  }

  /** kube's initNodePorts: DNS's TCP and UDP 53 of one NodePort Service share one nodePort. */
  @Test
  void portsOfOneNumberShareTheirNodePort() {
    ObjectNode dns = svc("dns", "NodePort", null, null);
    dns.with("spec").withArray("ports").removeAll();
    dns.with("spec").withArray("ports").addObject().put("name", "dns-tcp").put("port", 53).put("protocol", "TCP");
    dns.with("spec").withArray("ports").addObject().put("name", "dns").put("port", 53).put("protocol", "UDP");
    dns.with("spec").withArray("ports").addObject().put("name", "web").put("port", 80).put("protocol", "TCP");
    ReplyEnvelope r = create(dns);
    assertTrue(r.ok(), () -> r.status().toString());
    com.fasterxml.jackson.databind.JsonNode ports = r.object().path("spec").path("ports");
    assertEquals(ports.get(0).path("nodePort").asInt(), ports.get(1).path("nodePort").asInt(), ports::toString);
    assertNotEquals(ports.get(0).path("nodePort").asInt(), ports.get(2).path("nodePort").asInt(), ports::toString);
    ObjectNode asked = svc("asked", "NodePort", null, null);
    asked.with("spec").withArray("ports").removeAll();
    asked.with("spec").withArray("ports").addObject().put("name", "u").put("port", 53).put("protocol", "UDP");
    asked.with("spec").withArray("ports").addObject().put("name", "t").put("port", 53).put("protocol", "TCP")
        .put("nodePort", 30053);
    ReplyEnvelope both = create(asked);
    assertTrue(both.ok(), () -> both.status().toString());
    assertEquals(30053, both.object().path("spec").path("ports").get(0).path("nodePort").asInt());
  }

  @Test
  void deleteReleasesAndUpdateKeeps() {
    ReplyEnvelope web = create(svc("web", "NodePort", null, 31579));
    String ip = ip(web);
    ObjectNode changed = web.object().deepCopy();
    changed.with("metadata").putObject("labels").put("x", "y");
    ReplyEnvelope updated = store.run(store.req(Verb.UPDATE, "services", "default", "web", changed));
    assertTrue(updated.ok(), () -> updated.status().toString());
    assertEquals(ip, ip(updated));
    assertEquals(31579, updated.object().path("spec").path("ports").get(0).path("nodePort").asInt());
    store.run(store.req(Verb.DELETE, "services", "default", "web", null));
    ReplyEnvelope again = create(svc("again", "NodePort", ip, 31579));
    assertTrue(again.ok(), () -> again.status().toString());
  }

  @Test
  void twoCreatesInOneBatchGetDifferentAddresses() {
    List<ReplyEnvelope> r = store.batch(store.req(Verb.CREATE, "services", "default", null, svc("x", null, null, null)),
        store.req(Verb.CREATE, "services", "default", null, svc("y", null, null, null)));
    assertNotEquals(ip(r.get(0)), ip(r.get(1)));
  }
}
