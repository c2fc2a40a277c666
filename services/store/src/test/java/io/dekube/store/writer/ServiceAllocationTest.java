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

  @Test
  void dynamicAddressesComeAboveTheStaticBandAndAreFilledInEveryField() {
    ReplyEnvelope a = create(svc("a", null, null, null));
    assertTrue(a.ok(), () -> a.status().toString());
    assertEquals("127.96.1.0", ip(a));
    assertEquals("[\"127.96.1.0\"]", a.object().path("spec").path("clusterIPs").toString());
    assertEquals("[\"IPv4\"]", a.object().path("spec").path("ipFamilies").toString());
    assertEquals("SingleStack", a.object().path("spec").path("ipFamilyPolicy").asText());
    assertEquals("127.96.1.1", ip(create(svc("b", null, null, null))));
  }

  @Test
  void askedAddressIsHonouredOrRefusedWithKubesWording() {
    assertEquals("127.96.0.1", ip(create(svc("kubernetes", null, "127.96.0.1", null))));
    ReplyEnvelope taken = create(svc("other", null, "127.96.0.1", null));
    assertEquals(422, taken.code());
    assertEquals("Service \"other\" is invalid: spec.clusterIPs[0]: Invalid value: \"127.96.0.1\": failed to allocate"
        + " IP 127.96.0.1: provided IP is already allocated", taken.status().path("message").asText());
    ReplyEnvelope outside = create(svc("out", null, "10.0.0.1", null));
    assertEquals(422, outside.code());
    assertTrue(outside.status().path("message").asText().contains("is not in the valid range"));
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
    assertEquals(30000, auto.object().path("spec").path("ports").get(0).path("nodePort").asInt());
    ReplyEnvelope clash = create(svc("clash", "NodePort", null, 31579));
    assertEquals(422, clash.code());
    assertEquals("Service \"clash\" is invalid: spec.ports[0].nodePort: Invalid value: 31579: provided port is already"
        + " allocated", clash.status().path("message").asText());
    assertEquals(422, create(svc("range", "NodePort", null, 80)).code());
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
