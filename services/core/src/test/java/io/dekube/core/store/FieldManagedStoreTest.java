package io.dekube.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** kube's components write under the names their User-Agents start with. */
class FieldManagedStoreTest {

  @Test
  void eachComponentHasKubesManagerName() {
    assertEquals("kubelet", FieldManagedStore.managerOf("system:node:node-1"));
    assertEquals("kube-scheduler", FieldManagedStore.managerOf("system:kube-scheduler"));
    assertEquals("kube-controller-manager", FieldManagedStore.managerOf("system:kube-controller-manager"));
    assertEquals("kube-controller-manager",
        FieldManagedStore.managerOf("system:serviceaccount:kube-system:replicaset-controller"));
    assertEquals("kube-controller-manager",
        FieldManagedStore.managerOf("system:serviceaccount:kube-system:generic-garbage-collector"));
    assertEquals("local-path-provisioner",
        FieldManagedStore.managerOf("system:serviceaccount:kube-system:local-path-provisioner-service-account"));
    assertNull(FieldManagedStore.managerOf("system:dekube:ingest"));
    assertNull(FieldManagedStore.managerOf("system:serviceaccount:default:builder"));
  }
}
