package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.kubelet.runtime.ContainerStartException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import org.junit.jupiter.api.Test;

/** The kubelet's runAsNonRoot check, as "Debug Running Pods"' restricted profile meets it with busybox. */
class NonRootCheckTest {

  private static final String POD = "myapp_default(0b6a)";

  private static Container debugger(Boolean nonRoot, Long user) {
    return new ContainerBuilder().withName("debugger-x").withImage("busybox:1.28").withNewSecurityContext()
        .withRunAsNonRoot(nonRoot).withRunAsUser(user).endSecurityContext().build();
  }

  @Test
  void theRestrictedProfileOnAnImageThatRunsAsRootIsAConfigError() {
    ContainerStartException e = assertThrows(ContainerStartException.class,
        () -> NonRootCheck.verify(null, debugger(true, null), POD));
    assertEquals("CreateContainerConfigError", e.reason());
    assertEquals("container has runAsNonRoot and image will run as root (pod: \"myapp_default(0b6a)\", container: "
        + "debugger-x)", e.getMessage());
  }

  @Test
  void userZeroBreaksThePolicyAndAnotherUserKeepsIt() {
    assertEquals("container's runAsUser breaks non-root policy (pod: \"myapp_default(0b6a)\", container: debugger-x)",
        assertThrows(ContainerStartException.class, () -> NonRootCheck.verify(null, debugger(true, 0L), POD))
            .getMessage());
    assertDoesNotThrow(() -> NonRootCheck.verify(null, debugger(true, 1000L), POD));
  }

  @Test
  void theContainersSettingsOverThePods() {
    PodSecurityContext pod = new PodSecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(1000L).build();
    assertDoesNotThrow(() -> NonRootCheck.verify(pod, debugger(null, null), POD));
    assertDoesNotThrow(() -> NonRootCheck.verify(pod, debugger(false, 0L), POD));
    assertThrows(ContainerStartException.class, () -> NonRootCheck.verify(pod, debugger(null, 0L), POD));
    assertDoesNotThrow(() -> NonRootCheck.verify(null, debugger(null, null), POD));
  }
}
