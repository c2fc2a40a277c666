package io.dekube.controllermanager.nodeipam;

import static io.dekube.controllermanager.testing.Fake.done;
import static io.dekube.controllermanager.testing.Nodes.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeIpamControllerTest {

  private final Fake fake = new Fake();
  private final ResourceType nodeType = fake.store.type("nodes");
  private final NodeIpamController ipam = new NodeIpamController(fake.ctx, "127.244.0.0/16");

  private void node(String name, String ip) {
    NodeBuilder b = node(name, "True", "2026-01-01T00:10:00Z", "2026-01-01T00:10:00Z");
    if (ip != null) {
      b.editStatus().withAddresses(new NodeAddress(ip, "InternalIP")).endStatus();
    }
    fake.store.put(nodeType, b.build());
  }

  private static NodeBuilder node(String name, String ready, String created, String heartbeat) {
    return io.dekube.controllermanager.testing.Nodes.node(name, ready, created, heartbeat);
  }

  private String sync(String name) {
    done(ipam.sync(new ObjectKey("", name)));
    ObjectNode n = fake.store.object(nodeType, "", name);
    return n == null ? null : n.path("spec").path("podCIDR").asText(null);
  }

  @Test
  void eachNodeGetsTheSubnetNumberedAsItsAddressEnds() {
    node("kube-node-02", "127.0.1.2");
    node("worker", "10.1.2.7");
    assertEquals("127.244.2.0/24", sync("kube-node-02"));
    assertEquals("127.244.7.0/24", sync("worker"));
    assertEquals("[\"127.244.2.0/24\"]", fake.store.object(nodeType, "", "kube-node-02").path("spec")
        .path("podCIDRs").toString());
  }

  @Test
  void withoutAnAddressTheNameNumbersItThenTheFirstFreeOne() {
    node("kube-node-03", null);
    assertEquals("127.244.3.0/24", sync("kube-node-03"));
    node("taken", "127.0.1.3");
    assertEquals("127.244.1.0/24", sync("taken"));
  }

  @Test
  void aNodeWithoutAddressNorNumberWaitsForItsAddressThenTakesTheFirstFree() {
    node("plain", null);
    assertNull(sync("plain"));
    fake.clock.set(Instant.parse("2026-01-01T00:10:11Z"));
    assertEquals("127.244.1.0/24", sync("plain"));
  }

  @Test
  void anAllocationIsKeptAndADeletedNodesSubnetIsFreeAgain() {
    node("a-1", null);
    assertEquals("127.244.1.0/24", sync("a-1"));
    fake.clearWritesForDebug();
    assertEquals("127.244.1.0/24", sync("a-1"));
    assertTrue(fake.writes().isEmpty());
    node("b-1", null);
    assertEquals("127.244.2.0/24", sync("b-1"));
    done(fake.store.delete(nodeType, "", "a-1", WriteOptions.none()));
    sync("a-1");
    node("c-1", null);
    assertEquals("127.244.1.0/24", sync("c-1"));
  }

  @Test
  void aFullClusterCidrIsAnEventAndAFailedSync() {
    NodeIpamController small = new NodeIpamController(fake.ctx, "127.244.0.0/24");
    node("a-1", null);
    node("b-2", null);
    done(small.sync(new ObjectKey("", "a-1")));
    assertTrue(small.sync(new ObjectKey("", "b-2")).failed());
    assertEquals(java.util.List.of("CIDRNotAvailable: Node b-2 status is now: CIDRNotAvailable"), fake.eventReasons());
  }

  @ParameterizedTest
  @CsvSource({"127.244.0.0/16, 2, 127.244.2.0/24", "10.0.0.0/8, 257, 10.1.1.0/24", "127.244.0.0/20, 15, 127.244.15.0/24"})
  void subnets(String cluster, int i, String subnet) {
    CidrSet set = new CidrSet(cluster);
    assertEquals(subnet, set.subnet(i));
    assertEquals(i, set.indexOf(subnet));
  }

  @Test
  void cidrSetEdges() {
    CidrSet set = new CidrSet("127.244.0.0/23");
    assertEquals(2, set.size());
    assertEquals(-1, set.indexOf("127.245.0.0/24"));
    assertEquals(-1, set.indexOf("127.244.0.128/24"));
    assertEquals("127.244.1.0/24", set.allocate(Set.of(), 9));
    assertEquals("127.244.0.0/24", set.allocate(Set.of("127.244.1.0/24"), -1));
    assertNull(set.allocate(Set.of("127.244.1.0/24", "127.244.0.0/24"), -1));
    assertThrows(IllegalArgumentException.class, () -> new CidrSet("127.244.0.0/25"));
    assertThrows(IllegalArgumentException.class, () -> new CidrSet("nonsense"));
  }
}
