package io.dekube.scheduler.api;

/**
 * kube's {@code framework.ClusterEvent}: a kind of object and what happened to it, as bits that a
 * plugin registers ({@link EnqueueExtensions}) and the queue matches against what the informers saw.
 * A registered {@link Resource#POD} event matches the events of bound pods (the scheduler sees no
 * other pod's change as a cluster event). Immutable.
 *
 * @param resource   the kind of object, or {@link Resource#WILDCARD} for any
 * @param actionType the action bits ({@link #ADD}, {@link #DELETE}, the {@code UPDATE_*} bits)
 */
public record ClusterEvent(Resource resource, int actionType) {

  /** The kinds of object whose changes the scheduler follows. */
  public enum Resource {
    POD, NODE, PERSISTENT_VOLUME, PERSISTENT_VOLUME_CLAIM, STORAGE_CLASS, WILDCARD
  }

  public static final int ADD = 1;
  public static final int DELETE = 1 << 1;
  /** A node's {@code status.allocatable} changed. */
  public static final int UPDATE_NODE_ALLOCATABLE = 1 << 2;
  /** A node's labels changed. */
  public static final int UPDATE_NODE_LABEL = 1 << 3;
  /** A node's taints changed, or its {@code spec.unschedulable} (kube 1.32 counts that as a taint change). */
  public static final int UPDATE_NODE_TAINT = 1 << 4;
  /** The status of one of a node's conditions changed (not its heartbeat times). */
  public static final int UPDATE_NODE_CONDITION = 1 << 5;
  /** A node's annotations changed. */
  public static final int UPDATE_NODE_ANNOTATION = 1 << 6;
  /** A pod's labels changed. */
  public static final int UPDATE_POD_LABEL = 1 << 7;
  /** A pod's requests went down (or a bound pod finished: it frees everything it held). */
  public static final int UPDATE_POD_SCALE_DOWN = 1 << 8;
  /** A pod's tolerations changed. */
  public static final int UPDATE_POD_TOLERATIONS = 1 << 9;
  /** Any update. */
  public static final int UPDATE = UPDATE_NODE_ALLOCATABLE | UPDATE_NODE_LABEL | UPDATE_NODE_TAINT
      | UPDATE_NODE_CONDITION | UPDATE_NODE_ANNOTATION | UPDATE_POD_LABEL | UPDATE_POD_SCALE_DOWN
      | UPDATE_POD_TOLERATIONS;
  /** Anything. */
  public static final int ALL = ADD | DELETE | UPDATE;

  /** kube's {@code WildCardEvent}: what a plugin without {@link EnqueueExtensions} is registered for. */
  public static final ClusterEvent WILDCARD = new ClusterEvent(Resource.WILDCARD, ALL);

  /** Whether this registered event covers an incoming one (same resource or a wildcard, a common action bit). */
  public boolean match(ClusterEvent incoming) {
    return (resource == Resource.WILDCARD || resource == incoming.resource)
        && (actionType & incoming.actionType) != 0;
  }

  /** A readable label for logs ({@code Node/UpdateNodeTaint}). */
  public String label() {
    return resource + "/" + Integer.toBinaryString(actionType);
  }
}
