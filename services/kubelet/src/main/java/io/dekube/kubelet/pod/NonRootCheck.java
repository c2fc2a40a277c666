package io.dekube.kubelet.pod;

import io.dekube.kubelet.runtime.ContainerStartException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;

/**
 * The kubelet's {@code runAsNonRoot} check before a container is created: the container's setting over the pod's;
 * with it, a {@code runAsUser} of 0 breaks the policy, and without a {@code runAsUser} the image's user must not be
 * root — the built-in images all run as root, so they fail as busybox does under kube ("Debug Running Pods"'
 * restricted profile). A failure is the container's {@code CreateContainerConfigError}. Pure.
 */
final class NonRootCheck {

  private NonRootCheck() {
  }

  /** Throws when {@code c} may not start under its {@code runAsNonRoot}; {@code podName} as kube's format.Pod. */
  static void verify(PodSecurityContext pod, Container c, String podName) {
    SecurityContext sc = c.getSecurityContext();
    Boolean nonRoot = sc != null && sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot()
        : pod != null ? pod.getRunAsNonRoot() : null;
    if (!Boolean.TRUE.equals(nonRoot)) {
      return;
    }
    Long user = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : pod != null ? pod.getRunAsUser() : null;
    if (user != null && user == 0) {
      throw new ContainerStartException("CreateContainerConfigError", "container's runAsUser breaks non-root policy "
          + "(pod: \"" + podName + "\", container: " + c.getName() + ")");
    }
    if (user == null) {
      throw new ContainerStartException("CreateContainerConfigError", "container has runAsNonRoot and image will run "
          + "as root (pod: \"" + podName + "\", container: " + c.getName() + ")");
    }
  }
}
