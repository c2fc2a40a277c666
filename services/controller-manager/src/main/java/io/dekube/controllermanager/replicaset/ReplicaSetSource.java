package io.dekube.controllermanager.replicaset;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ObjectKey;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.vertx.core.Future;
import java.util.List;

/**
 * What a {@link ReplicaSetController} manages, seen as ReplicaSets, and where their status goes: the
 * ReplicaSets themselves ({@link #replicaSets}), or another kind converted on the way in and out, as
 * kube's replication manager runs the ReplicaSet controller on ReplicationControllers. A view keeps the
 * {@code kind}, {@code apiVersion} and metadata of the object it shows, so the owner references of its
 * pods and its events name that object. Views are shared: never change one. Called on the controller
 * loop's context.
 */
public interface ReplicaSetSource {

  /** The controller's name, of its loop and work queue: {@code replicaset}. */
  String name();

  /** The component its events come from: {@code replicaset-controller}. */
  String component();

  /** The kind its pods' controller references name: {@code ReplicaSet}. */
  String kind();

  /** The cache of the managed objects, whose changes drive the loop. */
  ObjectCache cache();

  /** The object of a key as a ReplicaSet, or null. */
  ReplicaSet get(ObjectKey key);

  /** The objects of a namespace as ReplicaSets. */
  List<ReplicaSet> list(String namespace);

  /** Writes the status of {@code next}, a copy of a view with the new status, to the object it shows. */
  Future<?> updateStatus(ReplicaSet next);

  /** The ReplicaSets (apps/v1) themselves. */
  static ReplicaSetSource replicaSets(ControllerContext ctx) {
    return new ReplicaSets(ctx);
  }
}
