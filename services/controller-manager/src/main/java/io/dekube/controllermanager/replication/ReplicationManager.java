package io.dekube.controllermanager.replication;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.replicaset.ReplicaSetController;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.model.ObjectKey;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * kube's replication manager: the ReplicaSet controller run on ReplicationControllers seen as
 * ReplicaSets ({@link ReplicationControllers}). It keeps {@code spec.replicas} pods matching the
 * selector map, adopts and releases pods with controller references to the ReplicationController,
 * and writes its status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas,
 * observedGeneration, a ReplicaFailure condition). Syncs run on the loop's context.
 */
public final class ReplicationManager {

  /** The component name in events, kube's. */
  public static final String COMPONENT = "replication-controller";

  private final ReplicaSetController controller;

  public ReplicationManager(ControllerContext ctx) {
    this.controller = new ReplicaSetController(ctx, new ReplicationControllers(ctx));
  }

  /** The loop that drives it: ReplicationControllers, and pods mapped to their owner. */
  public ControllerLoop loop(Duration resync, int workers) {
    return controller.loop(resync, workers);
  }

  /** One sync of a ReplicationController (tests; the loop calls the controller itself). */
  Future<Void> sync(ObjectKey key) {
    return controller.sync(key);
  }
}
