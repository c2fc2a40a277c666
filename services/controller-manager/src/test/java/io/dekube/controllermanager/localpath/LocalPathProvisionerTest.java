package io.dekube.controllermanager.localpath;

import static io.dekube.controllermanager.persistentvolume.StorageObjects.claim;
import static io.dekube.controllermanager.persistentvolume.StorageObjects.storageClass;
import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.persistentvolume.ClaimBinder;
import io.dekube.controllermanager.persistentvolume.VolumeReclaimer;
import io.dekube.controllermanager.persistentvolume.Volumes;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The local-path provisioner: a volume on the scheduler's node for each claim of its class, deleted with it. */
class LocalPathProvisionerTest {

  private static final Path ROOT = Path.of("/data/volumes");
  private final Fake fake = new Fake();
  private final ResourceType claims = fake.store.type("persistentvolumeclaims");
  private final ResourceType volumes = fake.store.type("persistentvolumes");
  private final ResourceType classes = fake.store.type("storageclasses.storage.k8s.io");
  private final List<String> folderCalls = new ArrayList<>();
  private final VolumeFolders folders = new VolumeFolders() {
    @Override
    public Future<Void> create(Path folder) {
      folderCalls.add("create " + folder);
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> delete(Path folder) {
      folderCalls.add("delete " + folder);
      return Future.succeededFuture();
    }
  };
  private final LocalPathProvisioner provisioner = new LocalPathProvisioner(fake.ctx, ROOT, folders);

  @Test
  void makesTheDefaultClassOnce() {
    done(provisioner.defaultClass());
    ObjectNode sc = fake.store.object(classes, "", "standard");
    assertEquals("dekube.io/local-path", sc.path("provisioner").asText());
    assertEquals("WaitForFirstConsumer", sc.path("volumeBindingMode").asText());
    assertEquals("true", sc.path("metadata").path("annotations").path("storageclass.kubernetes.io/is-default-class").asText());
    done(provisioner.defaultClass());
    assertEquals(List.of("create storageclasses.storage.k8s.io /standard"), fake.writes());
  }

  /** (class provisioner, binding mode, selected node, access mode, provisioned, event). */
  @ParameterizedTest(name = "{0} {1} node={2} {3}")
  @CsvSource({
      "dekube.io/local-path, WaitForFirstConsumer, n1, ReadWriteOnce, true, ProvisioningSucceeded: Successfully provisioned volume pvc-uid-data",
      "dekube.io/local-path, WaitForFirstConsumer, , ReadWriteOnce, false, ",
      "dekube.io/local-path, Immediate, , ReadWriteOnce, false, 'ProvisioningFailed: failed to provision volume with StorageClass \"standard\": configuration error, no node was specified'",
      "dekube.io/local-path, WaitForFirstConsumer, n1, ReadWriteMany, false, ProvisioningFailed: failed to provision volume with StorageClass \"standard\": NodePath only supports ReadWriteOnce and ReadWriteOncePod (1 node) access modes",
      "example.com/other, WaitForFirstConsumer, n1, ReadWriteOnce, false, "})
  void provisionsOnTheSelectedNode(String prov, String mode, String node, String access, boolean made, String event) {
    fake.store.put(classes, storageClass("standard", prov, mode).build());
    var c = claim("data", "1Gi", "standard", access);
    if (node != null) {
      c.editMetadata().addToAnnotations(Volumes.SELECTED_NODE, node).endMetadata();
    }
    fake.store.put(claims, c.build());
    done(provisioner.sync(new ObjectKey("d", "data")));
    ObjectNode pv = fake.store.object(volumes, "", "pvc-uid-data");
    List<String> events = fake.eventReasons().stream().filter(e -> !e.startsWith("Provisioning:")).toList();
    assertEquals(event == null ? List.of() : List.of(event), events);
    if (!made) {
      assertNull(pv);
      return;
    }
    String folder = "/data/volumes/n1/pvc-uid-data_d_data";
    assertEquals(List.of("create " + folder), folderCalls);
    assertEquals(folder, pv.path("spec").path("hostPath").path("path").asText());
    assertEquals("DirectoryOrCreate", pv.path("spec").path("hostPath").path("type").asText());
    assertEquals("n1", pv.at("/spec/nodeAffinity/required/nodeSelectorTerms/0/matchExpressions/0/values/0").asText());
    assertEquals("uid-data", pv.path("spec").path("claimRef").path("uid").asText());
    assertEquals("Delete", pv.path("spec").path("persistentVolumeReclaimPolicy").asText());
    assertEquals("1Gi", pv.path("spec").path("capacity").path("storage").asText());
    assertEquals("dekube.io/local-path", pv.path("metadata").path("annotations").path(Volumes.PROVISIONED_BY).asText());
  }

  @Test
  void theBinderBindsTheVolumeAndDeletingTheClaimDeletesVolumeAndFolder() {
    fake.store.put(classes, storageClass("standard", LocalPathProvisioner.NAME, "WaitForFirstConsumer").build());
    fake.store.put(claims, claim("data", "1Gi", "standard").editMetadata()
        .addToAnnotations(Volumes.SELECTED_NODE, "n1").endMetadata().build());
    done(provisioner.sync(new ObjectKey("d", "data")));
    done(new ClaimBinder(fake.ctx).sync(new ObjectKey("d", "data")));
    ObjectNode pvc = fake.store.object(claims, "d", "data");
    assertEquals("pvc-uid-data", pvc.path("spec").path("volumeName").asText());
    assertEquals("Bound", pvc.path("status").path("phase").asText());

    fake.store.delete(claims, "d", "data", WriteOptions.none());
    done(new VolumeReclaimer(fake.ctx).sync(new ObjectKey("", "pvc-uid-data")));
    LocalPathReclaimer reclaimer = new LocalPathReclaimer(fake.ctx, ROOT, folders);
    done(reclaimer.sync(new ObjectKey("", "pvc-uid-data")));
    assertNull(fake.store.object(volumes, "", "pvc-uid-data"));
    assertEquals("delete /data/volumes/n1/pvc-uid-data_d_data", folderCalls.get(folderCalls.size() - 1));
  }

  @Test
  void provisionsMinikubesHostpathClassAtOnceOnAnyNodeAndDeletesItWithItsClaim() {
    // the Cassandra tutorial's class `fast`: no binding mode (Immediate), minikube's provisioner
    fake.store.put(classes, storageClass("fast", LocalPathProvisioner.MINIKUBE, "Immediate").build());
    fake.store.put(claims, claim("data", "1Gi", "fast", "ReadWriteMany").build());
    done(provisioner.sync(new ObjectKey("d", "data")));
    ObjectNode pv = fake.store.object(volumes, "", "pvc-uid-data");
    String folder = "/data/volumes/hostpath-provisioner/d/data";
    assertEquals(List.of("create " + folder), folderCalls);
    assertEquals(folder, pv.path("spec").path("hostPath").path("path").asText());
    assertTrue(pv.path("spec").path("nodeAffinity").isMissingNode(), pv.toString());
    assertEquals("k8s.io/minikube-hostpath", pv.path("metadata").path("annotations").path(Volumes.PROVISIONED_BY)
        .asText());
    assertEquals("fast", pv.path("spec").path("storageClassName").asText());
    assertEquals(List.of("Provisioning: External provisioner is provisioning volume for claim \"d/data\"",
        "ProvisioningSucceeded: Successfully provisioned volume pvc-uid-data"), fake.eventReasons());

    done(new ClaimBinder(fake.ctx).sync(new ObjectKey("d", "data")));
    assertEquals("Bound", fake.store.object(claims, "d", "data").path("status").path("phase").asText());
    fake.store.delete(claims, "d", "data", WriteOptions.none()); // kubectl delete persistentvolumeclaim -l app=cassandra
    done(new VolumeReclaimer(fake.ctx).sync(new ObjectKey("", "pvc-uid-data")));
    done(new LocalPathReclaimer(fake.ctx, ROOT, folders).sync(new ObjectKey("", "pvc-uid-data")));
    assertNull(fake.store.object(volumes, "", "pvc-uid-data"));
    assertEquals("delete " + folder, folderCalls.get(folderCalls.size() - 1));
  }

  @Test
  void neverDeletesAFolderOutsideItsRoot() {
    fake.store.put(volumes, new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder()
        .withNewMetadata().withName("pv1").addToAnnotations(Volumes.PROVISIONED_BY, LocalPathProvisioner.NAME).endMetadata()
        .withNewSpec().withPersistentVolumeReclaimPolicy("Delete").withNewHostPath("/data/volumes/../etc", null).endSpec()
        .withNewStatus().withPhase("Released").endStatus().build());
    done(new LocalPathReclaimer(fake.ctx, ROOT, folders).sync(new ObjectKey("", "pv1")));
    assertEquals(List.of(), folderCalls);
    assertEquals("pv1", fake.store.object(volumes, "", "pv1").path("metadata").path("name").asText(), "released volume kept");
  }
}
