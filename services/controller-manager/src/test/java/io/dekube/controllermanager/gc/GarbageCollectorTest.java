package io.dekube.controllermanager.gc;

import static io.dekube.controllermanager.testing.Fake.done;
import static io.dekube.controllermanager.testing.Objects.pod;
import static io.dekube.controllermanager.testing.Objects.rs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import org.junit.jupiter.api.Test;

class GarbageCollectorTest {

  private final Fake fake = new Fake();
  private final ResourceType rsType = fake.store.type("replicasets.apps");
  private final ResourceType podType = fake.store.type("pods");
  private final GarbageCollector gc = new GarbageCollector(fake.ctx);

  private void sync(String resource, String name) {
    done(gc.sync(new ObjectKey(resource + "|ns", name)));
  }

  @Test
  void aDependentWhoseOwnerIsGoneIsDeleted() {
    ReplicaSet gone = rs("gone", 1).build();
    fake.store.put(podType, pod("p", gone).build());
    sync("pods", "p");
    assertNull(fake.store.object(podType, "ns", "p"));
  }

  @Test
  void aDependentWithALiveOwnerStays() {
    ReplicaSet web = rs("web", 1).build();
    fake.store.put(rsType, web);
    fake.store.put(podType, pod("p", Typed.from(fake.store.object(rsType, "ns", "web"), ReplicaSet.class)).build());
    sync("pods", "p");
    assertNotNull(fake.store.object(podType, "ns", "p"));
  }

  @Test
  void foregroundDeletionDeletesBlockingDependentsThenDropsTheFinalizer() {
    fake.store.put(rsType, rs("web", 1).build());
    ReplicaSet web = Typed.from(fake.store.object(rsType, "ns", "web"), ReplicaSet.class);
    fake.store.put(podType, pod("p", web).build());
    done(fake.store.delete(rsType, "ns", "web", WriteOptions.none().withPropagationPolicy("Foreground")));
    sync("replicasets.apps", "web");
    assertNull(fake.store.object(podType, "ns", "p"));
    assertNotNull(fake.store.object(rsType, "ns", "web"));
    sync("replicasets.apps", "web");
    assertNull(fake.store.object(rsType, "ns", "web"));
  }

  @Test
  void orphanDeletionReleasesDependentsThenDropsTheFinalizer() {
    fake.store.put(rsType, rs("web", 1).build());
    ReplicaSet web = Typed.from(fake.store.object(rsType, "ns", "web"), ReplicaSet.class);
    fake.store.put(podType, pod("p", web).build());
    done(fake.store.delete(rsType, "ns", "web", WriteOptions.none().withPropagationPolicy("Orphan")));
    sync("replicasets.apps", "web");
    ObjectNode p = fake.store.object(podType, "ns", "p");
    assertNotNull(p);
    assertTrue(p.path("metadata").path("ownerReferences").isEmpty());
    assertNull(fake.store.object(rsType, "ns", "web"));
    assertEquals(1, fake.store.items(podType, "ns").size());
  }
}
