package io.dekube.scheduler.plugins.volumebinding;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** VolumeBinding: claims must exist, bound volumes pin the pod to their node, delayed claims get the chosen node. */
class VolumeBindingTest {

  private final io.dekube.scheduler.testing.StorageHandle storage = new io.dekube.scheduler.testing.StorageHandle();
  private final Map<String, PersistentVolumeClaim> claims = storage.claims;
  private final Map<String, PersistentVolume> volumes = storage.volumes;
  private final List<String> annotated = storage.annotated;
  private final VolumeBinding plugin = new VolumeBinding(storage);

  /** (case, claim state: missing | bound-on:<node> | unbound:<class>, node, expected status, annotation written). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no claim | missing | n1 | persistentvolumeclaim \"data\" not found | ",
      "bound volume on this node | bound-on:n1 | n1 | | ",
      "bound volume on another node | bound-on:n2 | n1 | node(s) had volume node affinity conflict | ",
      "unbound, waits for the first consumer | unbound:standard | n1 | | default/data volume.kubernetes.io/selected-node=n1",
      "unbound, immediate class | unbound:fast | n1 | pod has unbound immediate PersistentVolumeClaims | "})
  void volumeBinding(String name, String claimState, String nodeName, String reason, String annotation) throws Exception {
    if (claimState.startsWith("bound-on:")) {
      claims.put("default/data", claim("").editSpec().withVolumeName("pv1").endSpec().build());
      volumes.put("pv1", new PersistentVolumeBuilder().withNewMetadata().withName("pv1").endMetadata().withNewSpec()
          .withNewNodeAffinity().withNewRequired().addNewNodeSelectorTerm().addNewMatchExpression()
          .withKey("kubernetes.io/hostname").withOperator("In").withValues(claimState.substring(9))
          .endMatchExpression().endNodeSelectorTerm().endRequired().endNodeAffinity().endSpec().build());
    } else if (claimState.startsWith("unbound:")) {
      claims.put("default/data", claim(claimState.substring(8)).build());
    }
    Pod p = pod("web-0").obj();
    p.getSpec().setVolumes(List.of(new VolumeBuilder().withName("data").withNewPersistentVolumeClaim("data", false).build()));
    NodeInfo n = node(nodeName).label("kubernetes.io/hostname", nodeName).info();
    CycleState state = new CycleState();
    Status pre = plugin.preFilter(state, p, List.of(n));
    Status result = pre.isSuccess() ? plugin.filter(state, p, n) : pre;
    assertEquals(reason == null ? List.of() : List.of(reason), result.reasons());
    if (result.isSuccess()) {
      assertEquals(Status.success().code(), plugin.preBind(state, p, nodeName).toCompletableFuture().get().code());
    }
    assertEquals(annotation == null ? List.of() : List.of(annotation), annotated);
  }

  /** (the claim web-0-data: missing | owned | foreign, expected status, annotation written). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "missing | waiting for ephemeral volume controller to create the persistentvolumeclaim \"web-0-data\" | ",
      "owned | | default/web-0-data volume.kubernetes.io/selected-node=n1",
      "foreign | PVC default/web-0-data was not created for pod default/web-0 (pod is not owner) | "})
  void aGenericEphemeralVolumeUsesTheClaimMadeForThePod(String claimState, String reason, String annotation)
      throws Exception {
    Pod p = pod("web-0").obj();
    p.getMetadata().setUid("pod-uid");
    p.getSpec().setVolumes(List.of(new VolumeBuilder().withName("data").withNewEphemeral().withNewVolumeClaimTemplate()
        .withNewSpec().withStorageClassName("standard").endSpec().endVolumeClaimTemplate().endEphemeral().build()));
    if (!claimState.equals("missing")) {
      claims.put("default/web-0-data", claim("standard").editMetadata().withName("web-0-data").addNewOwnerReference()
          .withApiVersion("v1").withKind("Pod").withName("web-0")
          .withUid(claimState.equals("owned") ? "pod-uid" : "other").withController(true).endOwnerReference()
          .endMetadata().build());
    }
    NodeInfo n = node("n1").info();
    CycleState state = new CycleState();
    Status pre = plugin.preFilter(state, p, List.of(n));
    Status result = pre.isSuccess() ? plugin.filter(state, p, n) : pre;
    assertEquals(reason == null ? List.of() : List.of(reason), result.reasons());
    if (result.isSuccess()) {
      plugin.preBind(state, p, "n1").toCompletableFuture().get();
    }
    assertEquals(annotation == null ? List.of() : List.of(annotation), annotated);
  }

  private static PersistentVolumeClaimBuilder claim(String className) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName("data").withNamespace("default").endMetadata()
        .withNewSpec().withStorageClassName(className).endSpec();
  }
}
