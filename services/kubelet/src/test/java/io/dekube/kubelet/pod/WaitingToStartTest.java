package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * "Debug Init Containers": a pod's containers wait as {@code PodInitializing} while its init containers run (and
 * until they are created), and {@code kubectl logs} of one says so in kube's kubelet's words.
 */
class WaitingToStartTest {

  @Test
  void aContainerBehindInitContainersIsPodInitializing() {
    ContainerRecord app = ContainerRecord.container("app", "busybox:1.28", true);
    assertEquals("PodInitializing", PodStatusBuilder.containerStatus(app).path("state").path("waiting")
        .path("reason").asText());
    assertEquals("container \"app\" in pod \"initfail\" is waiting to start: PodInitializing",
        app.waitingToStart("initfail"));
    assertEquals("ContainerCreating", PodStatusBuilder.containerStatus(ContainerRecord.container("app", "busybox",
        false)).path("state").path("waiting").path("reason").asText());
  }

  @Test
  void anImageThatCannotBePulledIsSaidSo() {
    ContainerRecord app = ContainerRecord.container("app", "nginxx:notthere", false);
    app.waitingReason = "ErrImagePull";
    assertEquals("container \"app\" in pod \"p\" is waiting to start: image can't be pulled", app.waitingToStart("p"));
    app.waitingReason = "ImagePullBackOff";
    assertEquals("container \"app\" in pod \"p\" is waiting to start: trying and failing to pull image",
        app.waitingToStart("p"));
    app.waitingReason = "CreateContainerConfigError";
    assertEquals("container \"app\" in pod \"p\" is waiting to start: CreateContainerConfigError",
        app.waitingToStart("p"));
  }
}
