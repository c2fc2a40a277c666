package io.dekube.kubelet.runtime.docker;

/**
 * The {@code docker} runtime's settings: the engine's address ({@code --docker-endpoint}, dockershim's flag) and the
 * sandbox image ({@code --pod-infra-container-image}).
 */
public record DockerOptions(String endpoint, String podInfraImage) {

  /** dockershim's endpoint and kube 1.32's pause image. */
  public static final DockerOptions DEFAULTS = new DockerOptions(DockerRuntime.ENDPOINT, DockerRuntime.PAUSE_IMAGE);
}
