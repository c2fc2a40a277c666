package io.dekube.apiserver.rest.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The PersistentVolume, PersistentVolumeClaim and StorageClass tables as kubectl 1.32 prints them. */
class StoragePrintersTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final String META = "'creationTimestamp':'2024-05-01T11:55:00Z'";

  private static List<Object> cells(String resource, String json) throws Exception {
    return Printers.of(REGISTRY.byResourceName(resource).orElseThrow())
        .cells((ObjectNode) Json.MAPPER.readTree(json.replace('\'', '"')), NOW);
  }

  private static List<String> columns(String resource) {
    return Printers.of(REGISTRY.byResourceName(resource).orElseThrow()).columns().stream().map(Column::name).toList();
  }

  @Test
  void volumes() throws Exception {
    assertEquals(List.of("Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim", "StorageClass",
        "VolumeAttributesClass", "Reason", "Age", "VolumeMode"), columns("persistentvolumes"));
    assertEquals(List.of("pvc-1", "1Gi", "RWO,RWX", "Delete", "Bound", "d/data", "standard", "<unset>", "", "5m",
        "Filesystem"), cells("persistentvolumes", "{'metadata':{'name':'pvc-1'," + META + "},'spec':{'capacity':"
        + "{'storage':'1Gi'},'accessModes':['ReadWriteMany','ReadWriteOnce'],'persistentVolumeReclaimPolicy':'Delete',"
        + "'claimRef':{'namespace':'d','name':'data'},'storageClassName':'standard','volumeMode':'Filesystem'},"
        + "'status':{'phase':'Bound'}}"));
  }

  @Test
  void claims() throws Exception {
    assertEquals(List.of("Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass",
        "VolumeAttributesClass", "Age", "VolumeMode"), columns("persistentvolumeclaims"));
    assertEquals(List.of("data", "Pending", "", "", "", "standard", "<unset>", "5m", "Filesystem"),
        cells("persistentvolumeclaims", "{'metadata':{'name':'data'," + META + "},'spec':{'accessModes':"
            + "['ReadWriteOnce'],'storageClassName':'standard','volumeMode':'Filesystem'},'status':{'phase':'Pending'}}"));
    assertEquals(List.of("data", "Bound", "pvc-1", "1Gi", "RWO", "standard", "<unset>", "5m", "Filesystem"),
        cells("persistentvolumeclaims", "{'metadata':{'name':'data'," + META + "},'spec':{'accessModes':"
            + "['ReadWriteOnce'],'storageClassName':'standard','volumeMode':'Filesystem','volumeName':'pvc-1'},"
            + "'status':{'phase':'Bound','accessModes':['ReadWriteOnce'],'capacity':{'storage':'1Gi'}}}"));
  }

  @Test
  void classes() throws Exception {
    assertEquals(List.of("Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion", "Age"),
        columns("storageclasses.storage.k8s.io"));
    assertEquals(List.of("standard (default)", "dekube.io/local-path", "Delete", "WaitForFirstConsumer", "false", "5m"),
        cells("storageclasses.storage.k8s.io", "{'metadata':{'name':'standard'," + META + ",'annotations':"
            + "{'storageclass.kubernetes.io/is-default-class':'true'}},'provisioner':'dekube.io/local-path',"
            + "'reclaimPolicy':'Delete','volumeBindingMode':'WaitForFirstConsumer'}"));
  }
}
