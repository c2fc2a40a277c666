package io.dekube.scheduler.plugins.volumebinding;

import io.dekube.core.model.PodClaims;
import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.api.ClusterEventWithHint;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.EnqueueExtensions;
import io.dekube.scheduler.api.FilterPlugin;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PreBindPlugin;
import io.dekube.scheduler.api.PreFilterPlugin;
import io.dekube.scheduler.api.QueueingHint;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.plugins.helper.ClaimClass;
import io.dekube.scheduler.plugins.helper.Selectors;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * VolumeBinding, as kube-scheduler's: a pod's PersistentVolumeClaims must exist; a bound claim's
 * volume must exist and its node affinity admit the node; an unbound claim of an Immediate class
 * (or of no class) keeps the pod unschedulable until it is bound; an unbound claim of a
 * WaitForFirstConsumer class fits every node (dekube's local-path provisioner can make a volume on any
 * of them), and PreBind writes the chosen node into the claim's {@value #SELECTED_NODE} annotation so
 * the provisioner makes its volume there. Unlike kube, PreBind does not wait for the claim to be bound:
 * the kubelet holds the pod in ContainerCreating until it is. A generic ephemeral volume's claim
 * ({@code <pod>-<volume>}) is one of the pod's claims once the ephemeral volume controller made it for the pod.
 */
public final class VolumeBinding implements PreFilterPlugin, FilterPlugin, PreBindPlugin, EnqueueExtensions {

  public static final String NAME = "VolumeBinding";
  public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
  public static final String CONFLICT = "node(s) had volume node affinity conflict";
  public static final String UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";
  public static final String NO_VOLUME = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
  private static final String KEY = "PreFilter" + NAME;

  /** What PreFilter learnt: the bound claims' volumes and the claims waiting for their first consumer. */
  record Claims(List<PersistentVolume> bound, List<PersistentVolumeClaim> delayed) {
  }

  private final Handle handle;

  public VolumeBinding(Handle handle) {
    this.handle = handle;
  }

  /**
   * A claim of the pod added or changed (bound, provisioned), any volume added or changed, a node added or
   * relabelled or tainted (a local volume's node affinity).
   */
  @Override
  public List<ClusterEventWithHint> eventsToRegister() {
    return List.of(
        new ClusterEventWithHint(new ClusterEvent(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM,
            ClusterEvent.ADD | ClusterEvent.UPDATE), (pod, oldObj, newObj) -> {
              PersistentVolumeClaim c = (PersistentVolumeClaim) newObj;
              return c.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace())
                  && claimNames(pod).contains(c.getMetadata().getName()) ? QueueingHint.QUEUE : QueueingHint.QUEUE_SKIP;
            }),
        ClusterEventWithHint.of(new ClusterEvent(ClusterEvent.Resource.PERSISTENT_VOLUME,
            ClusterEvent.ADD | ClusterEvent.UPDATE)),
        ClusterEventWithHint.of(new ClusterEvent(ClusterEvent.Resource.NODE,
            ClusterEvent.ADD | ClusterEvent.UPDATE_NODE_LABEL | ClusterEvent.UPDATE_NODE_TAINT)));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, Pod pod, List<NodeInfo> nodes) {
    List<PodClaims.Claim> claims = PodClaims.of(pod);
    if (claims.isEmpty()) {
      return Status.skip();
    }
    String ns = pod.getMetadata().getNamespace();
    List<PersistentVolume> bound = new ArrayList<>();
    List<PersistentVolumeClaim> delayed = new ArrayList<>();
    for (PodClaims.Claim claim : claims) {
      String name = claim.claimName();
      PersistentVolumeClaim c = handle.persistentVolumeClaim(ns, name);
      if (c == null) {
        // kube: directly after a pod with a generic ephemeral volume is created, its claim is still to be made
        return Status.unresolvable(claim.ephemeral()
            ? "waiting for ephemeral volume controller to create the persistentvolumeclaim \"" + name + "\""
            : "persistentvolumeclaim \"" + name + "\" not found");
      }
      if (c.getMetadata().getDeletionTimestamp() != null) {
        return Status.unresolvable("persistentvolumeclaim \"" + name + "\" is being deleted");
      }
      String notOwned = claim.ephemeral() ? PodClaims.notForPod(pod, c.getMetadata()) : null;
      if (notOwned != null) {
        return Status.unresolvable(notOwned);
      }
      String volumeName = c.getSpec() == null ? null : c.getSpec().getVolumeName();
      if (volumeName != null && !volumeName.isEmpty()) {
        PersistentVolume pv = handle.persistentVolume(volumeName);
        if (pv == null) {
          return Status.unresolvable(NO_VOLUME);
        }
        bound.add(pv);
      } else if ("WaitForFirstConsumer".equals(handle.volumeBindingMode(ClaimClass.of(c)))) {
        delayed.add(c);
      } else {
        return Status.unresolvable(UNBOUND_IMMEDIATE);
      }
    }
    state.write(KEY, new Claims(bound, delayed));
    return Status.success();
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo node) {
    Claims claims = state.read(KEY);
    if (claims == null) {
      return Status.success();
    }
    Map<String, String> labels = node.node().getMetadata().getLabels() == null ? Map.of()
        : node.node().getMetadata().getLabels();
    for (PersistentVolume pv : claims.bound()) {
      var affinity = pv.getSpec() == null ? null : pv.getSpec().getNodeAffinity();
      if (affinity != null && affinity.getRequired() != null && affinity.getRequired().getNodeSelectorTerms() != null
          && !Selectors.matchesAnyTerm(affinity.getRequired().getNodeSelectorTerms(), labels, node.name())) {
        return Status.unresolvable(CONFLICT);
      }
    }
    return Status.success();
  }

  @Override
  public CompletionStage<Status> preBind(CycleState state, Pod pod, String nodeName) {
    Claims claims = state.read(KEY);
    if (claims == null) {
      return CompletableFuture.completedFuture(Status.success());
    }
    CompletableFuture<?>[] writes = claims.delayed().stream()
        .filter(c -> c.getMetadata().getAnnotations() == null
            || !nodeName.equals(c.getMetadata().getAnnotations().get(SELECTED_NODE)))
        .map(c -> handle.annotateClaim(c.getMetadata().getNamespace(), c.getMetadata().getName(), SELECTED_NODE, nodeName)
            .toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(writes).handle((v, e) -> e == null ? Status.success() : Status.error(e));
  }

  /** The claims a pod's volumes use (generic ephemeral volumes' too), in order. */
  static List<String> claimNames(Pod pod) {
    return PodClaims.of(pod).stream().map(PodClaims.Claim::claimName).toList();
  }
}
