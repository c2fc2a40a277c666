package io.dekube.controllermanager.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * kube's root-ca-cert-publisher: the ConfigMap {@code kube-root-ca.crt} in every active namespace
 * holds the cluster CA under {@code ca.crt}, which pods' projected service-account volumes mount
 * to verify the apiserver. Recreated when deleted, put right when changed. Keys are namespaces.
 * Syncs run on the loop's context.
 */
public final class RootCaPublisher implements Reconciler {

  /** The ConfigMap's name. */
  public static final String NAME = "kube-root-ca.crt";
  static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the kube-apiserver when using "
      + "internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed "
      + "across distributions of Kubernetes clusters.";

  private final ControllerContext ctx;
  private final String caPem;
  private final ObjectCache namespaces;
  private final ObjectCache configMaps;
  private final ResourceType configMapType;

  /** @param caPem the cluster CA certificate (PEM) */
  public RootCaPublisher(ControllerContext ctx, String caPem) {
    this.ctx = ctx;
    this.caPem = caPem;
    this.namespaces = ctx.cache("namespaces");
    this.configMaps = ctx.cache("configmaps");
    this.configMapType = ctx.type("configmaps");
  }

  /** The loop over namespaces; a change of a {@code kube-root-ca.crt} syncs its namespace. */
  public ControllerLoop loop(Duration resync, int workers) {
    ControllerLoop loop = new ControllerLoop(ctx.vertx(), "root-ca-cert-publisher", this, namespaces, resync, workers);
    loop.watch(configMaps, cm -> NAME.equals(cm.path("metadata").path("name").asText())
        ? List.of(new ObjectKey("", cm.path("metadata").path("namespace").asText())) : List.of());
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    ObjectNode ns = namespaces.get(new ObjectKey("", key.name()));
    if (ns == null || ServiceAccountsController.terminating(ns)) {
      return Future.succeededFuture();
    }
    ObjectNode cm = configMaps.get(new ObjectKey(key.name(), NAME));
    if (cm == null) {
      ObjectNode created = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
      Json.metadata(created).put("name", NAME).put("namespace", key.name()).putObject("annotations")
          .put("kubernetes.io/description", DESCRIPTION);
      created.putObject("data").put("ca.crt", caPem);
      return ignoreRaces(ctx.store().create(configMapType, key.name(), created, WriteOptions.none()));
    }
    if (caPem.equals(cm.path("data").path("ca.crt").asText(null)) && cm.path("data").size() == 1
        && !cm.has("binaryData")) {
      return Future.succeededFuture();
    }
    ObjectNode next = cm.deepCopy();
    next.remove("binaryData");
    next.putObject("data").put("ca.crt", caPem);
    return ignoreRaces(ctx.store().update(configMapType, next, WriteOptions.none()));
  }

  private static Future<Void> ignoreRaces(Future<ObjectNode> write) {
    return write.<Void>mapEmpty().recover(e -> e instanceof StatusException se
        && (se.code() == 409 || se.code() == 403 || se.code() == 404) ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
