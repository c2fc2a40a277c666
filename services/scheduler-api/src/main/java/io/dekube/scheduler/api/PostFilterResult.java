package io.dekube.scheduler.api;

/**
 * What a {@link PostFilterPlugin} answers: the node it nominated for the pod (null for none) and
 * its status. Immutable.
 */
public record PostFilterResult(String nominatedNodeName, Status status) {

  /** A node was nominated. */
  public static PostFilterResult nominated(String node) {
    return new PostFilterResult(node, Status.success());
  }

  /** Nothing could be done; the status says why. */
  public static PostFilterResult failed(Status status) {
    return new PostFilterResult(null, status);
  }
}
