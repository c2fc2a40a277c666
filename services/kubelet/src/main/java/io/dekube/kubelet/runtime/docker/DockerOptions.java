package io.dekube.kubelet.runtime.docker;

/**
 * The {@code docker} runtime's settings: the engine's address ({@code --docker-endpoint}, dockershim's flag), the
 * sandbox image ({@code --pod-infra-container-image}) and the cluster's pod CIDR ({@code --cluster-cidr}), the subnet
 * of the one engine network every node's pods share (null: each node's pods on a network of the node's pod CIDR).
 */
public record DockerOptions(String endpoint, String podInfraImage, String clusterCidr) {

  /** dockershim's endpoint and kube 1.32's pause image; no cluster network. */
  public static final DockerOptions DEFAULTS = new DockerOptions(DockerRuntime.ENDPOINT, DockerRuntime.PAUSE_IMAGE,
      null);
}
