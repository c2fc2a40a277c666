package io.dekube.controllermanager.replication;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.replicaset.ReplicaSetSource;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ReplicationControllers (core/v1) as ReplicaSets, kube's informer and client adapters of its
 * replication manager: each cached controller is converted once and its view reused until it changes;
 * a status is converted back and written to the ReplicationController's status subresource.
 * Thread-safe.
 */
final class ReplicationControllers implements ReplicaSetSource {

  private record View(ReplicationController rc, ReplicaSet rs) {
  }

  private final ControllerContext ctx;
  private final ResourceType type;
  private final Lister<ReplicationController> controllers;
  private final Map<ObjectKey, View> views = new ConcurrentHashMap<>();

  ReplicationControllers(ControllerContext ctx) {
    this.ctx = ctx;
    this.type = ctx.type("replicationcontrollers");
    this.controllers = ctx.lister("replicationcontrollers", ReplicationController.class);
  }

  @Override
  public String name() {
    return "replicationmanager";
  }

  @Override
  public String component() {
    return ReplicationManager.COMPONENT;
  }

  @Override
  public String kind() {
    return "ReplicationController";
  }

  @Override
  public ObjectCache cache() {
    return controllers.cache();
  }

  @Override
  public ReplicaSet get(ObjectKey key) {
    ReplicationController rc = controllers.get(key);
    if (rc == null) {
      views.remove(key);
      return null;
    }
    return view(key, rc);
  }

  @Override
  public List<ReplicaSet> list(String namespace) {
    List<ReplicaSet> out = new ArrayList<>();
    for (ReplicationController rc : controllers.list(namespace)) {
      out.add(view(new ObjectKey(rc.getMetadata().getNamespace(), rc.getMetadata().getName()), rc));
    }
    return out;
  }

  private ReplicaSet view(ObjectKey key, ReplicationController rc) {
    View v = views.get(key);
    if (v != null && v.rc() == rc) {
      return v.rs();
    }
    ReplicaSet rs = ReplicationControllerConversion.toReplicaSet(rc);
    views.put(key, new View(rc, rs));
    return rs;
  }

  @Override
  public Future<?> updateStatus(ReplicaSet next) {
    ReplicationController rc = ReplicationControllerConversion.toReplicationController(next);
    return ctx.store().updateStatus(type, Typed.tree(rc), WriteOptions.none());
  }
}
