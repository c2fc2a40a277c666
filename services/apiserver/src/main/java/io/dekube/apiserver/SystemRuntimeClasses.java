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
 * One RuntimeClass per kubelet runtime of dekube ({@code jvm}, {@code process}, {@code simulated},
 * {@code docker}),
 * created at start (kube-apiserver creates none: a decision of dekube's). A RuntimeClass's
 * {@code handler} names a runtime; since each node runs exactly one runtime (its label
 * {@code node.dekube.io/runtime}), these classes carry {@code scheduling.nodeSelector} on that label,
 * so the RuntimeClass admission steers a pod of class {@code simulated} to simulated nodes, as kube's
 * scheduling field steers pods to the nodes that have a handler. An existing class of the same name is
 * left alone (change it at will); a deleted one comes back at the next apiserver start. Idempotent; runs
 * on the caller's context, never blocks.
 */
final class SystemRuntimeClasses {

  static final List<String> RUNTIMES = List.of("jvm", "process", "simulated", "docker");
  static final String RUNTIME_LABEL = "node.dekube.io/runtime";

  private SystemRuntimeClasses() {
  }

  static Future<Void> ensure(StoreApi store, ResourceRegistry registry) {
    ResourceType type = registry.byGroupPlural("node.k8s.io", "runtimeclasses").orElseThrow();
    return Future.all(RUNTIMES.stream().map(r -> create(store, type, r)).toList()).mapEmpty();
  }

  /** The RuntimeClass of one runtime. */
  static ObjectNode runtimeClass(String runtime) {
    ObjectNode rc = Json.object().put("apiVersion", "node.k8s.io/v1").put("kind", "RuntimeClass");
    Json.metadata(rc).put("name", runtime);
    rc.put("handler", runtime);
    rc.putObject("scheduling").putObject("nodeSelector").put(RUNTIME_LABEL, runtime);
    return rc;
  }

  private static Future<Void> create(StoreApi store, ResourceType type, String runtime) {
    return store.create(type, "", runtimeClass(runtime), WriteOptions.none()).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException s && s.code() == 409
            ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
