package io.dekube.kubelet.runtime;

import io.vertx.core.Future;

/**
 * Runs containers: dekube's CRI. One implementation per node flavour ({@code jvm}, {@code process},
 * {@code simulated}, {@code docker}). {@link #start} fails with {@link ContainerStartException} when the container
 * cannot be made (an unknown image, host commands not allowed); a started container reports its
 * end through {@link RunningContainer#exited()}. Methods are called from the kubelet's context.
 */
public interface ContainerRuntime {

  /** The runtime's name as nodes report it ({@code jvm}). */
  String name();

  /** Starts a container; completes once it runs (a server is bound, a process started). */
  Future<RunningContainer> start(ContainerSpec spec);

  /**
   * Prepares the runtime before the node's first pod (the docker runtime: its engine answers, what a former kubelet
   * of this node left is found); fails with a message for the operator when it cannot run containers.
   */
  default Future<Void> open() {
    return Future.succeededFuture();
  }

  /**
   * Keeps, of what a former kubelet of this node left running (the docker runtime's containers), what belongs to the
   * pods {@code podUids} bound to the node, for their workers to {@link #adopt}; the rest is removed. Called once,
   * when the node's pods are known.
   */
  default Future<Void> retain(java.util.Set<String> podUids) {
    return Future.succeededFuture();
  }

  /**
   * The container a former kubelet left running for {@code spec}'s pod and container, followed from now on, or null
   * when there is none; each is given once (a later start of the container makes a new one).
   */
  default Future<AdoptedContainer> adopt(ContainerSpec spec) {
    return Future.succeededFuture();
  }

  /**
   * The run of {@code spec}'s init container that ended under a former kubelet of this node and that the runtime still
   * holds, or null when there is none: as kube's kubelet reads the exited init containers of the pod's sandbox, the
   * kubelet records it as ended instead of running it again. Each is given once.
   */
  default Future<EndedRun> endedRun(ContainerSpec spec) {
    return Future.succeededFuture();
  }

  /**
   * Where the runtime tells that a pod's sandbox died (its uid): kube's {@code SandboxChanged}, the pod's containers
   * are killed and started again in a new sandbox. Runtimes without sandboxes never call it.
   */
  default void onSandboxChanged(java.util.function.Consumer<String> podUid) {
  }

  /** Whether the runtime holds {@code image} already, for {@code IfNotPresent} (false: it cannot tell). */
  default Future<Boolean> hasImage(String image) {
    return Future.succeededFuture(false);
  }

  /** The pod {@code podUid} is over and its containers stopped: what the runtime keeps for it (a sandbox) goes. */
  default void podRemoved(String podUid) {
  }

  /**
   * Pulls an image (the kubelet calls it per its pull policy before {@link #start}); fails with
   * {@link ContainerStartException} {@code ErrImagePull} when the runtime cannot get it.
   */
  default Future<Void> pull(String image) {
    return Future.succeededFuture();
  }

  /**
   * The size of {@code image}, which the runtime holds, for the {@code Pulled} Event (kube's CRI {@code ImageStatus}
   * size): the jvm runtime's built-in images weigh what the real images they stand for do ({@link
   * io.dekube.kubelet.images.ImageSizes}), 0 for one it does not have.
   */
  default Future<Long> imageSize(String image) {
    return Future.succeededFuture(io.dekube.kubelet.images.ImageSizes.of(image));
  }

  /**
   * A warning about how a started container sees its volume mounts (recorded as a Warning Event),
   * or null when they are where its spec says.
   */
  default String mountNotice(ContainerSpec spec) {
    return null;
  }

  /** Frees what the runtime holds (called when the node stops). */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
