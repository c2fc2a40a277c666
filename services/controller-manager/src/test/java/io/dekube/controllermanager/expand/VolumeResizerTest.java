package io.dekube.controllermanager.expand;

import static io.dekube.controllermanager.persistentvolume.StorageObjects.claim;
import static io.dekube.controllermanager.persistentvolume.StorageObjects.volume;
import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Volume expansion of a provisioned volume: the resizer's steps, the volume's and the claim's capacity. */
class VolumeResizerTest {

  private final Fake fake = new Fake();
  private final ResourceType claims = fake.store.type("persistentvolumeclaims");
  private final ResourceType volumes = fake.store.type("persistentvolumes");

  private void bound(String requested, String provisionedBy) {
    fake.store.put(claims, claim("data", requested, "expandable").editSpec().withVolumeName("pvc-1").endSpec()
        .editStatus().withPhase("Bound").withCapacity(Map.of("storage", new Quantity("1Gi"))).endStatus().build());
    var pv = volume("pvc-1", "1Gi", "expandable", "Bound");
    if (provisionedBy != null) {
      pv.editMetadata().addToAnnotations("pv.kubernetes.io/provisioned-by", provisionedBy).endMetadata();
    }
    fake.store.put(volumes, pv.build());
  }

  @Test
  void aGrownClaimOfTheLocalPathProvisionerIsExpanded() {
    bound("2Gi", "dekube.io/local-path");
    done(new VolumeResizer(fake.ctx).sync(new ObjectKey("d", "data")));
    assertEquals("2Gi", fake.store.object(volumes, "", "pvc-1").at("/spec/capacity/storage").asText());
    JsonNode status = fake.store.object(claims, "d", "data").path("status");
    assertEquals("2Gi", status.at("/capacity/storage").asText());
    assertEquals("2Gi", status.at("/allocatedResources/storage").asText());
    assertTrue(status.path("conditions").isMissingNode() || status.path("conditions").isEmpty(), status.toString());
    assertTrue(status.path("allocatedResourceStatuses").path("storage").isMissingNode(), status.toString());
    assertEquals(List.of("ExternalExpanding: waiting for an external controller to expand this PVC",
        "Resizing: External resizer is resizing volume pvc-1", "VolumeResizeSuccessful: Resize volume succeeded"),
        fake.eventReasons());
    fake.clearWritesForDebug();
    done(new VolumeResizer(fake.ctx).sync(new ObjectKey("d", "data")));
    assertEquals(List.of(), fake.writes(), "an expanded claim is left alone");
  }

  @Test
  void onTheWayTheClaimIsResizingWithTheControllersStepInProgress() {
    bound("2Gi", "dekube.io/local-path");
    PersistentVolumeClaim c = io.dekube.core.model.Typed.from(fake.store.object(claims, "d", "data"),
        PersistentVolumeClaim.class);
    var marked = VolumeResizer.markResizing(c, new Quantity("2Gi")).getStatus();
    assertEquals("Resizing True", marked.getConditions().get(0).getType() + " " + marked.getConditions().get(0).getStatus());
    assertEquals(Map.of("storage", "ControllerResizeInProgress"), marked.getAllocatedResourceStatuses());
    assertEquals("1Gi", marked.getCapacity().get("storage").toString());
  }

  @Test
  void aVolumeMadeByHandIsNotExpanded() {
    bound("2Gi", null);
    done(new VolumeResizer(fake.ctx).sync(new ObjectKey("d", "data")));
    assertEquals("1Gi", fake.store.object(volumes, "", "pvc-1").at("/spec/capacity/storage").asText());
    assertEquals(List.of(), fake.eventReasons());
  }
}
