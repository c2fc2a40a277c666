package io.dekube.controllermanager.testing;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.Map;

/** Fluent builders of test objects, as kube's {@code MakePod().Name("p").Obj()}. */
public final class Objects {

  private Objects() {
  }

  public static final Map<String, String> WEB = Map.of("app", "web");

  /** A ReplicaSet selecting {@code app=web} with a template of one container. */
  public static ReplicaSetBuilder rs(String name, int replicas) {
    return new ReplicaSetBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns").withUid("uid-" + name)
            .withGeneration(1L).build())
        .withNewSpec().withReplicas(replicas)
        .withSelector(new LabelSelectorBuilder().withMatchLabels(WEB).build())
        .withTemplate(new PodTemplateSpecBuilder().withNewMetadata().withLabels(WEB).endMetadata()
            .withNewSpec().withContainers(new ContainerBuilder().withName("web").withImage("dekube/web").build())
            .endSpec().build())
        .endSpec();
  }

  /** A pod with {@code app=web}, optionally owned by a ReplicaSet. */
  public static PodBuilder pod(String name, ReplicaSet owner) {
    PodBuilder b = new PodBuilder().withMetadata(new ObjectMetaBuilder().withName(name).withNamespace("ns")
            .withUid("uid-" + name).withLabels(WEB).withCreationTimestamp("2026-01-01T00:00:00Z").build())
        .withNewSpec().withContainers(new ContainerBuilder().withName("web").withImage("dekube/web").build())
        .endSpec().withNewStatus().withPhase("Pending").endStatus();
    if (owner != null) {
      b.editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
          .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).withController(true)
          .withBlockOwnerDeletion(true).build()).endMetadata();
    }
    return b;
  }

  /** A running pod on a node, Ready since the given time. */
  public static Pod running(PodBuilder b, String node, String readySince) {
    return b.editSpec().withNodeName(node).endSpec()
        .editStatus().withPhase("Running").withConditions(new PodConditionBuilder().withType("Ready")
            .withStatus(readySince == null ? "False" : "True")
            .withLastTransitionTime(readySince == null ? "2026-01-01T00:00:00Z" : readySince).build()).endStatus()
        .build();
  }
}
