package io.dekube.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.util.List;

/**
 * The PriorityClasses kube-apiserver's scheduling bootstrap creates at start:
 * {@code system-node-critical} (2000001000) and {@code system-cluster-critical} (2000000000).
 * Idempotent (an existing one is left alone); runs on the caller's context, never blocks.
 */
final class SystemPriorityClasses {

  private record Builtin(String name, long value, String description) {
  }

  private static final List<Builtin> CLASSES = List.of(
      new Builtin("system-node-critical", 2_000_001_000L,
          "Used for system critical pods that must not be moved from their current node."),
      new Builtin("system-cluster-critical", 2_000_000_000L,
          "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."));

  private SystemPriorityClasses() {
  }

  static Future<Void> ensure(StoreApi store, ResourceRegistry registry) {
    ResourceType type = registry.byGroupPlural("scheduling.k8s.io", "priorityclasses").orElseThrow();
    return Future.all(CLASSES.stream().map(c -> create(store, type, c)).toList()).mapEmpty();
  }

  private static Future<Void> create(StoreApi store, ResourceType type, Builtin c) {
    ObjectNode pc = Json.object().put("apiVersion", "scheduling.k8s.io/v1").put("kind", "PriorityClass");
    Json.metadata(pc).put("name", c.name());
    pc.put("value", c.value()).put("globalDefault", false).put("description", c.description())
        .put("preemptionPolicy", "PreemptLowerPriority");
    return store.create(type, "", pc, WriteOptions.none()).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException s && s.code() == 409
            ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
