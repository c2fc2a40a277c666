package io.dekube.scheduler.plugins.volumes;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.nodevolumelimits.CsiLimits;
import io.dekube.scheduler.plugins.volumerestrictions.VolumeRestrictions;
import io.dekube.scheduler.plugins.volumezone.VolumeZone;
import io.dekube.scheduler.testing.StorageHandle;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** VolumeRestrictions, NodeVolumeLimits (CSI) and VolumeZone, with kube's reasons word for word, as kube's tables check them. */
class VolumePluginsTest {

  private static final String ZONE = "topology.kubernetes.io/zone";

  /** Claims: rwop (ReadWriteOncePod), rwo, zonal (bound to pv-z1: zone z1), multi (pv-z12: z1__z2), late (WFFC). */
  static final class Storage extends StorageHandle {

    Storage() {
      claim("rwop", "ReadWriteOncePod", null, "standard");
      claim("rwo", "ReadWriteOnce", null, "standard");
      claim("zonal", "ReadWriteOnce", "pv-z1", "");
      claim("multi", "ReadWriteOnce", "pv-z12", "");
      claim("beta", "ReadWriteOnce", "pv-beta", "");
      claim("late", "ReadWriteOnce", null, "standard");
      claim("now", "ReadWriteOnce", null, "fast");
      claim("noclass", "ReadWriteOnce", null, "");
      volume("pv-z1", ZONE, "z1");
      volume("pv-z12", ZONE, "z1__z2");
      volume("pv-beta", "failure-domain.beta.kubernetes.io/zone", "z2");
      for (String c : List.of("c1", "c2", "c3")) {
        claim(c, "ReadWriteOnce", "pv-" + c, "");
        volumes.put("pv-" + c, new PersistentVolumeBuilder().withNewMetadata().withName("pv-" + c).endMetadata()
            .withNewSpec().withNewCsi().withDriver("ebs.csi.aws.com").withVolumeHandle("vol-" + c).endCsi().endSpec()
            .build());
      }
      claim("c4", "ReadWriteOnce", null, "ebs");
      claim("other", "ReadWriteOnce", "pv-other", "");
      volumes.put("pv-other", new PersistentVolumeBuilder().withNewMetadata().withName("pv-other").endMetadata()
          .withNewSpec().withNewCsi().withDriver("pd.csi.storage.gke.io").withVolumeHandle("x").endCsi().endSpec()
          .build());
      provisioners.put("ebs", "ebs.csi.aws.com");
      // node a: 2 EBS volumes at most; node b has no CSINode
      csiLimits.put("a", Map.of("ebs.csi.aws.com", 2));
    }

    private void claim(String name, String mode, String volume, String storageClass) {
      claims.put("default/" + name, new PersistentVolumeClaimBuilder().withNewMetadata().withName(name)
          .withNamespace("default").endMetadata().withNewSpec().withAccessModes(mode).withVolumeName(volume)
          .withStorageClassName(storageClass).endSpec().build());
    }

    private void volume(String name, String key, String value) {
      volumes.put(name, new PersistentVolumeBuilder().withNewMetadata().withName(name).withLabels(Map.of(key, value))
          .endMetadata().build());
    }
  }

  static Status run(PreFilterPlugin pre, Pod pod, NodeInfo node, List<NodeInfo> all) {
    CycleState s = new CycleState();
    Status st = pre.preFilter(s, pod, all);
    if (st.isSkip()) {
      return Status.success();
    }
    return st.isSuccess() ? ((FilterPlugin) pre).filter(s, pod, node) : st;
  }

  static Pod gce(String name, String pd, boolean readOnly, String node) {
    Pod p = pod(name).node(node).obj();
    p.getSpec().setVolumes(List.of(new VolumeBuilder().withName("d").withNewGcePersistentDisk().withPdName(pd)
        .withReadOnly(readOnly).endGcePersistentDisk().build()));
    return p;
  }

  static Stream<Arguments> restrictions() {
    NodeInfo withUser = node("a").info(pod("user").claim("v", "rwop").node("a").obj());
    NodeInfo empty = node("b").info();
    NodeInfo withRwoUser = node("a").info(pod("user").claim("v", "rwo").node("a").obj());
    NodeInfo withDisk = node("a").info(gce("other", "disk-1", false, "a"));
    NodeInfo withReadOnlyDisk = node("a").info(gce("other", "disk-1", true, "a"));
    String rwop = VolumeRestrictions.ERR_READ_WRITE_ONCE_POD;
    return Stream.of(
        Arguments.of("a ReadWriteOncePod claim in use: not on its node", pod("p").claim("v", "rwop").obj(), withUser,
            List.of(withUser, empty), Status.unschedulable(rwop)),
        Arguments.of("a ReadWriteOncePod claim in use: nor on any other", pod("p").claim("v", "rwop").obj(), empty,
            List.of(withUser, empty), Status.unschedulable(rwop)),
        Arguments.of("a ReadWriteOncePod claim nobody uses", pod("p").claim("v", "rwop").obj(), empty,
            List.of(empty), Status.success()),
        Arguments.of("a ReadWriteOnce claim in use is VolumeBinding's business", pod("p").claim("v", "rwo").obj(),
            withRwoUser, List.of(withRwoUser), Status.success()),
        Arguments.of("a missing claim", pod("p").claim("v", "gone").obj(), empty, List.of(empty),
            Status.unresolvable("persistentvolumeclaim \"gone\" not found")),
        Arguments.of("the same GCE disk read-write", gce("p", "disk-1", false, null), withDisk, List.of(withDisk),
            Status.unschedulable(VolumeRestrictions.ERR_DISK_CONFLICT)),
        Arguments.of("the same GCE disk read-only on both", gce("p", "disk-1", true, null), withReadOnlyDisk,
            List.of(withReadOnlyDisk), Status.success()),
        Arguments.of("another GCE disk", gce("p", "disk-2", false, null), withDisk, List.of(withDisk),
            Status.success()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("restrictions")
  void volumeRestrictions(String name, Pod pod, NodeInfo node, List<NodeInfo> all, Status want) {
    assertEquals(want, run(new VolumeRestrictions(new Storage()), pod, node, all));
  }

  static Stream<Arguments> zones() {
    String conflict = VolumeZone.ERR_CONFLICT;
    return Stream.of(
        Arguments.of("a volume of the node's zone", "zonal", "z1", Status.success()),
        Arguments.of("a volume of another zone", "zonal", "z2", Status.unresolvable(conflict)),
        Arguments.of("a node without zone labels fits", "zonal", null, Status.success()),
        Arguments.of("a volume of two zones", "multi", "z2", Status.success()),
        Arguments.of("a beta zone label matches the GA one", "beta", "z2", Status.success()),
        Arguments.of("an unbound WaitForFirstConsumer claim is left to VolumeBinding", "late", "z1",
            Status.success()),
        Arguments.of("an unbound Immediate claim", "now", "z1", Status.unresolvable("PersistentVolume had no name")),
        Arguments.of("an unbound claim of no class", "noclass", "z1",
            Status.unresolvable("PersistentVolumeClaim had no pv name and storageClass name")),
        Arguments.of("a missing claim", "gone", "z1",
            Status.unresolvable("persistentvolumeclaim \"gone\" not found")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("zones")
  void volumeZone(String name, String claim, String zone, Status want) {
    NodeInfo n = zone == null ? node("a").info() : node("a").label(ZONE, zone).info();
    assertEquals(want, run(new VolumeZone(new Storage()), pod("p").claim("v", claim).obj(), n, List.of(n)));
  }

  static Stream<Arguments> limits() {
    String max = CsiLimits.ERR_MAX_VOLUME_COUNT;
    return Stream.of(
        Arguments.of("a third EBS volume on a node of two", "c3", "a", Status.unschedulable(max)),
        Arguments.of("a volume the node has attached counts once", "c1", "a", Status.success()),
        Arguments.of("an unbound claim of the driver's class counts", "c4", "a", Status.unschedulable(max)),
        Arguments.of("another driver has no limit here", "other", "a", Status.success()),
        Arguments.of("a node without a CSINode has no limit", "c3", "b", Status.success()),
        Arguments.of("a missing claim", "gone", "a",
            Status.unresolvable("looking up PVC default/gone: persistentvolumeclaim \"gone\" not found")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("limits")
  void nodeVolumeLimits(String name, String claim, String nodeName, Status want) {
    NodeInfo n = node(nodeName).info(pod("x").claim("v1", "c1").claim("v2", "c2").node(nodeName).obj());
    assertEquals(want, run(new CsiLimits(new Storage()), pod("p").claim("v", claim).obj(), n, List.of(n)));
  }
}
