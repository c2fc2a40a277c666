package io.dekube.kubelet.pod;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * The pod's {@code imagePullSecrets} as kube's kubelet looks them up at every sync of a pod that runs
 * ({@code getPullSecretsForPod}): the Secrets it cannot find make one Warning
 * {@code FailedToRetrieveImagePullSecret} on the pod, "Pull an Image from a Private Registry"'s troubleshooting
 * step, and the pull goes on without them. An entry without a name is skipped, as kube skips it. The jvm runtime
 * pulls nothing, so the Secrets found are not used. Pure.
 */
final class PullSecrets {

  static final String REASON = "FailedToRetrieveImagePullSecret";

  private PullSecrets() {
  }

  /** The event's message when some of the pod's pull secrets are not there, else null. */
  static String missing(Pod pod, EnvBuilder.Lookup lookup) {
    List<LocalObjectReference> refs = pod.getSpec() == null ? null : pod.getSpec().getImagePullSecrets();
    if (refs == null) {
      return null;
    }
    List<String> missing = refs.stream().map(LocalObjectReference::getName)
        .filter(name -> name != null && !name.isEmpty())
        .filter(name -> lookup.secret(pod.getMetadata().getNamespace(), name) == null)
        .toList();
    return missing.isEmpty() ? null : "Unable to retrieve some image pull secrets (" + String.join(", ", missing)
        + "); attempting to pull the image may not succeed.";
  }
}
