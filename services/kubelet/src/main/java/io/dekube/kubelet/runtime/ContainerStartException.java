package io.dekube.kubelet.runtime;

/**
 * A container that cannot start, with the Kubernetes waiting reason to show ({@code ErrImagePull},
 * {@code CreateContainerConfigError}, {@code CreateContainerError}) and its message.
 */
public final class ContainerStartException extends RuntimeException {

  private final String reason;

  public ContainerStartException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
