package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.dekube.kubelet.runtime.docker.DockerRuntime;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** A kubelet that cannot start says why in one line when its reason is the whole story (no stack trace). */
class KubeletLaunchFailureTest {

  @Test
  void anUnreachableEngineIsOneLineOtherFailuresStayAsTheyAre() {
    String why = "node kube-node-01: the docker runtime cannot reach the container engine at unix:///nope.sock: "
        + "Cannot connect to the Docker daemon at unix:///nope.sock. Is the docker daemon running?";
    Exception e = KubeletComponent.launchFailure(new ExecutionException(new DockerRuntime.EngineUnreachable(why)));
    assertInstanceOf(LaunchException.class, e);
    assertEquals(why, e.getMessage());
    ExecutionException other = new ExecutionException(new IllegalStateException("boom"));
    assertSame(other, KubeletComponent.launchFailure(other));
  }
}
