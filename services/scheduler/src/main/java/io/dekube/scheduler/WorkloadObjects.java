package io.dekube.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The Services, ReplicationControllers, ReplicaSets and StatefulSets kube-scheduler's informers hold for
 * PodTopologySpread's default selector ({@code helper.DefaultSelector}), typed when read. Thread-safe reads; empty
 * until {@link #start}.
 */
final class WorkloadObjects {

  private final ResourceType servicesType;
  private final ResourceType controllersType;
  private final ResourceType replicaSetsType;
  private final ResourceType statefulSetsType;
  private volatile ObjectCache services;
  private volatile ObjectCache controllers;
  private volatile ObjectCache replicaSets;
  private volatile ObjectCache statefulSets;

  WorkloadObjects(ResourceRegistry registry) {
    this.servicesType = registry.byGroupPlural("", "services").orElse(null);
    this.controllersType = registry.byGroupPlural("", "replicationcontrollers").orElse(null);
    this.replicaSetsType = registry.byGroupPlural("apps", "replicasets").orElse(null);
    this.statefulSetsType = registry.byGroupPlural("apps", "statefulsets").orElse(null);
  }

  /** Starts the informers. */
  Future<Void> start(Function<ResourceType, ObjectCache> caches) {
    services = cache(caches, servicesType);
    controllers = cache(caches, controllersType);
    replicaSets = cache(caches, replicaSetsType);
    statefulSets = cache(caches, statefulSetsType);
    return Future.all(started(services), started(controllers), started(replicaSets), started(statefulSets))
        .mapEmpty();
  }

  private static ObjectCache cache(Function<ResourceType, ObjectCache> caches, ResourceType t) {
    return t == null ? null : caches.apply(t);
  }

  private static Future<Void> started(ObjectCache c) {
    return c instanceof Informer i ? i.start() : Future.succeededFuture();
  }

  List<Service> services(String namespace) {
    ObjectCache c = services;
    List<Service> out = new ArrayList<>();
    if (c != null) {
      c.list(namespace).forEach(o -> out.add(Typed.from(o, Service.class)));
    }
    return out;
  }

  HasMetadata workload(String kind, String namespace, String name) {
    if (kind == null || name == null) {
      return null;
    }
    return switch (kind) {
      case "ReplicationController" -> get(controllers, namespace, name, ReplicationController.class);
      case "ReplicaSet" -> get(replicaSets, namespace, name, ReplicaSet.class);
      case "StatefulSet" -> get(statefulSets, namespace, name, StatefulSet.class);
      default -> null;
    };
  }

  private static <T extends HasMetadata> T get(ObjectCache c, String namespace, String name, Class<T> type) {
    ObjectNode o = c == null ? null : c.get(new ObjectKey(namespace, name));
    return o == null ? null : Typed.from(o, type);
  }
}
