package io.dekube.controllermanager.ephemeral;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.controllermanager.persistentvolume.StorageObjects;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ephemeral volume controller: the claim {@code <pod>-<volume>} from the template, owned by the pod. */
class EphemeralVolumeControllerTest {

  private final Fake fake = new Fake();
  private final ResourceType claims = fake.store.type("persistentvolumeclaims");
  private final ResourceType pods = fake.store.type("pods");

  private static Pod pod() {
    return new PodBuilder().withNewMetadata().withName("web").withNamespace("d").withUid("pod-uid").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer()
        .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
        .addNewVolume().withName("data").withNewEphemeral().withNewVolumeClaimTemplate()
        .withNewMetadata().withLabels(Map.of("type", "my-frontend-volume")).withAnnotations(Map.of("a", "b")).endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("scratch-storage-class")
        .withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec()
        .endVolumeClaimTemplate().endEphemeral().endVolume().endSpec().build();
  }

  @Test
  void theClaimIsMadeFromTheTemplateWithThePodAsController() {
    fake.store.put(pods, pod());
    done(new EphemeralVolumeController(fake.ctx).sync(new ObjectKey("d", "web")));
    JsonNode c = fake.store.object(claims, "d", "web-data");
    assertEquals("my-frontend-volume", c.at("/metadata/labels/type").asText());
    assertEquals("b", c.at("/metadata/annotations/a").asText());
    JsonNode ref = c.at("/metadata/ownerReferences/0");
    assertEquals("v1 Pod web pod-uid true true", ref.path("apiVersion").asText() + " " + ref.path("kind").asText() + " "
        + ref.path("name").asText() + " " + ref.path("uid").asText() + " " + ref.path("controller").asBoolean() + " "
        + ref.path("blockOwnerDeletion").asBoolean());
    assertEquals("scratch-storage-class", c.at("/spec/storageClassName").asText());
    assertEquals("1Gi", c.at("/spec/resources/requests/storage").asText());
    assertEquals(1, fake.store.items(claims, "d").size(), "only the ephemeral volume has a claim");
    fake.clearWritesForDebug();
    done(new EphemeralVolumeController(fake.ctx).sync(new ObjectKey("d", "web")));
    assertEquals(List.of(), fake.writes(), "a claim that is there is not made again");
  }

  @Test
  void aClaimOfThatNameThePodDoesNotControlBlocksIt() {
    fake.store.put(pods, pod());
    fake.store.put(claims, StorageObjects.claim("web-data", "1Gi", "standard").build());
    var f = new EphemeralVolumeController(fake.ctx).sync(new ObjectKey("d", "web"));
    assertTrue(f.failed());
    assertEquals(List.of("FailedBinding: ephemeral volume data: PVC d/web-data was not created for pod d/web "
        + "(pod is not owner)"), fake.eventReasons());
    assertEquals("uid-web-data", fake.store.object(claims, "d", "web-data").at("/metadata/uid").asText());
  }

  @Test
  void aPodBeingDeletedGetsNoClaim() {
    Pod p = pod();
    p.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    fake.store.put(pods, p);
    done(new EphemeralVolumeController(fake.ctx).sync(new ObjectKey("d", "web")));
    assertEquals(0, fake.store.items(claims, "d").size());
  }
}
