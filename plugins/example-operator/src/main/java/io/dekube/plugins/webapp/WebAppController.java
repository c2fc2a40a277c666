package io.dekube.plugins.webapp;

import io.dekube.controller.api.ApiException;
import io.dekube.controller.api.ControllerContext;
import io.dekube.controller.api.Key;
import io.dekube.controller.api.Loop;
import io.dekube.controller.api.OwnerReferences;
import io.dekube.controller.api.PatchType;
import io.dekube.controller.api.Reconciler;
import io.dekube.controller.api.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The WebApp controller: for each WebApp, a Deployment and a Service of the same name that it owns (so
 * deleting the WebApp deletes them), kept as the WebApp asks; the Deployment's ready replicas reflected in
 * the WebApp's status. A sync reads like its steps: deployment, service, status. Runs on the
 * controller-manager's event loop; never blocks.
 */
final class WebAppController implements Reconciler {

  private final ControllerContext ctx;
  private final Resource<GenericKubernetesResource> webapps;
  private final Resource<Deployment> deployments;
  private final Resource<Service> services;

  WebAppController(ControllerContext ctx) {
    this.ctx = ctx;
    this.webapps = ctx.resource("webapps.demo.dekube.io", GenericKubernetesResource.class);
    this.deployments = ctx.resource("deployments.apps", Deployment.class);
    this.services = ctx.resource("services", Service.class);
  }

  /** Syncs a WebApp when it changes and when its Deployment or Service does. */
  Loop loop() {
    return ctx.loop(webapps, this).watchOwned(deployments).watchOwned(services);
  }

  @Override
  public CompletionStage<Void> sync(Key key) {
    GenericKubernetesResource app = webapps.get(key);
    if (app == null || app.getMetadata().getDeletionTimestamp() != null) {
      return done(); // deleted: the garbage collector deletes what it owned
    }
    return deployment(app).thenCompose(d -> service(app).thenCompose(s -> status(app, d)));
  }

  /** Creates the Deployment, or brings the fields the WebApp sets back to what it asks; answers the current one. */
  private CompletionStage<Deployment> deployment(GenericKubernetesResource app) {
    Deployment desired = WebAppResources.deployment(app);
    Deployment current = deployments.get(Key.of(app));
    if (current != null && !OwnerReferences.isControlledBy(current, app)) {
      return notOurs(app, current);
    }
    if (current == null) {
      return deployments.apply(desired).thenApply(d -> created(app, d));
    }
    List<String> drift = WebAppResources.drift(current, desired);
    if (drift.isEmpty()) {
      return CompletableFuture.completedFuture(current);
    }
    return deployments.apply(desired).thenApply(d -> {
      ctx.events().normal(app, "Updated", "Updated Deployment " + d.getMetadata().getName() + ": "
          + String.join(", ", drift));
      return d;
    });
  }

  /** Creates the Service, or puts its selector and ports back. */
  private CompletionStage<Service> service(GenericKubernetesResource app) {
    Service desired = WebAppResources.service(app);
    Service current = services.get(Key.of(app));
    if (current != null && !OwnerReferences.isControlledBy(current, app)) {
      return notOurs(app, current);
    }
    if (current == null) {
      return services.apply(desired).thenApply(s -> created(app, s));
    }
    return WebAppResources.upToDate(current, desired) ? CompletableFuture.completedFuture(current)
        : services.apply(desired);
  }

  /** Writes the status when it changed: replicas, readyReplicas, observedGeneration, the Ready condition. */
  private CompletionStage<Void> status(GenericKubernetesResource app, Deployment d) {
    Map<String, Object> status = WebAppResources.status(app, d, ctx.clock().instant());
    if (WebAppResources.sameStatus(app, status)) {
      return done();
    }
    return webapps.patchStatus(app.getMetadata().getNamespace(), app.getMetadata().getName(), PatchType.MERGE,
            Map.of("status", status))
        .exceptionally(e -> {
          if (ApiException.isNotFound(e)) {
            return null; // deleted meanwhile
          }
          throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        })
        .thenApply(x -> null);
  }

  private <T extends HasMetadata> T created(GenericKubernetesResource app, T obj) {
    ctx.events().normal(app, "Created", "Created " + obj.getKind() + " " + obj.getMetadata().getName());
    return obj;
  }

  private <T> CompletionStage<T> notOurs(GenericKubernetesResource app, HasMetadata existing) {
    String why = existing.getKind() + " " + existing.getMetadata().getName() + " exists and is not owned by WebApp "
        + app.getMetadata().getName();
    ctx.events().warning(app, "ResourceExists", why);
    return CompletableFuture.failedFuture(new IllegalStateException(why));
  }

  private static CompletionStage<Void> done() {
    return CompletableFuture.completedFuture(null);
  }
}
