package io.dekube.controllermanager.replicaset;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.vertx.core.Future;
import java.util.List;

/** The apps/v1 ReplicaSets as their controller reads them: no conversion. */
final class ReplicaSets implements ReplicaSetSource {

  private final ControllerContext ctx;
  private final ResourceType type;
  private final Lister<ReplicaSet> sets;

  ReplicaSets(ControllerContext ctx) {
    this.ctx = ctx;
    this.type = ctx.type("replicasets.apps");
    this.sets = ctx.lister("replicasets.apps", ReplicaSet.class);
  }

  @Override
  public String name() {
    return "replicaset";
  }

  @Override
  public String component() {
    return ReplicaSetController.COMPONENT;
  }

  @Override
  public String kind() {
    return "ReplicaSet";
  }

  @Override
  public ObjectCache cache() {
    return sets.cache();
  }

  @Override
  public ReplicaSet get(ObjectKey key) {
    return sets.get(key);
  }

  @Override
  public List<ReplicaSet> list(String namespace) {
    return sets.list(namespace);
  }

  @Override
  public Future<?> updateStatus(ReplicaSet next) {
    return ctx.store().updateStatus(type, Typed.tree(next), WriteOptions.none());
  }
}
