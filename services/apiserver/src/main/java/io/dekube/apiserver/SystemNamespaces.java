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
 * The namespaces kube-apiserver's bootstrap controller creates at start: {@code default},
 * {@code kube-system}, {@code kube-public}, {@code kube-node-lease}. Idempotent (an existing one is
 * left alone); runs on the caller's context, never blocks. The four creates go out together (one
 * transaction of the writer, not four in turn).
 */
final class SystemNamespaces {

  static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

  private SystemNamespaces() {
  }

  static Future<Void> ensure(StoreApi store, ResourceRegistry registry) {
    ResourceType namespaces = registry.byResourceName("namespaces").orElseThrow();
    return Future.all(NAMES.stream().map(name -> create(store, namespaces, name)).toList()).mapEmpty();
  }

  private static Future<Void> create(StoreApi store, ResourceType namespaces, String name) {
    ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    Json.metadata(ns).put("name", name);
    return store.create(namespaces, "", ns, WriteOptions.none()).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException s && s.code() == 409
            ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
