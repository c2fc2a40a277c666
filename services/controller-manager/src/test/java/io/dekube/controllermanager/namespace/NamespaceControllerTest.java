package io.dekube.controllermanager.namespace;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import org.junit.jupiter.api.Test;

class NamespaceControllerTest {

  private final Fake fake = new Fake();
  private final ResourceType nsType = fake.store.type("namespaces");
  private final ResourceType cmType = fake.store.type("configmaps");
  private final NamespaceController controller = new NamespaceController(fake.ctx);

  private ObjectNode named(String name, String ns) {
    ObjectNode o = Json.object();
    Json.metadata(o).put("name", name).put("namespace", ns);
    return o;
  }

  @Test
  void aDeletedNamespaceIsEmptiedThenFinalized() {
    ObjectNode ns = Json.object();
    Json.metadata(ns).put("name", "team").put("deletionTimestamp", "2026-01-01T00:00:00Z");
    ns.putObject("spec").putArray("finalizers").add("kubernetes");
    Json.metadata(ns).putArray("finalizers").add("test-hold");
    fake.store.put(nsType, ns);
    fake.store.put(cmType, named("a", "team"));
    fake.store.put(cmType, named("b", "team"));
    fake.store.put(cmType, named("c", "other"));
    ObjectNode held = named("held", "team");
    Json.metadata(held).putArray("finalizers").add("example.com/hold");
    fake.store.put(cmType, held);
    done(controller.sync(new ObjectKey("", "team")));
    assertEquals(1, fake.store.items(cmType, "team").size());
    assertEquals(1, fake.store.items(cmType, "other").size());
    ObjectNode status = (ObjectNode) fake.store.object(nsType, "", "team").path("status");
    assertEquals("Terminating", status.path("phase").asText());
    assertEquals("NamespaceContentRemaining", status.path("conditions").get(3).path("type").asText());
    assertEquals("Some resources are remaining: configmaps has 3 resource instances",
        status.path("conditions").get(3).path("message").asText());
    ObjectNode release = fake.store.object(cmType, "team", "held").deepCopy();
    Json.metadata(release).putArray("finalizers");
    done(fake.store.update(cmType, release, WriteOptions.none()));
    done(controller.sync(new ObjectKey("", "team")));
    assertEquals(0, fake.store.object(nsType, "", "team").path("spec").path("finalizers").size());
  }

  @Test
  void aLiveNamespaceIsLeftAlone() {
    ObjectNode ns = Json.object();
    Json.metadata(ns).put("name", "team");
    fake.store.put(nsType, ns);
    fake.store.put(cmType, named("a", "team"));
    done(controller.sync(new ObjectKey("", "team")));
    assertEquals(1, fake.store.items(cmType, "team").size());
    assertNull(fake.store.object(nsType, "", "team").get("status"));
  }
}
