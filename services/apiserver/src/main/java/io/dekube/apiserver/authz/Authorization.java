package io.dekube.apiserver.authz;

import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.FieldManagedStore;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.Function;

/**
 * The apiserver's authorization, wired: the bootstrap policy reconciled, the RBAC informers
 * synced, the ClusterRole aggregation running, then three hooks into the router — impersonation
 * and the authorization filter (after authentication and the body handler), and the review
 * resources (before the REST API). One per apiserver verticle.
 */
public final class Authorization {

  private final RbacAuthorizer authorizer;

  private Authorization(RbacAuthorizer authorizer) {
    this.authorizer = authorizer;
  }

  /**
   * Reconciles the bootstrap policy through {@code store} (kube-apiserver's loopback), starts the informers and the
   * aggregation, which writes through {@code aggregation} (kube-controller-manager's controller); on the caller's
   * event loop.
   */
  public static Future<Authorization> start(Vertx vertx, ResourceRegistry registry, StoreApi store,
                                            StoreApi aggregation, Function<ResourceType, Informer> informers) {
    Informer roles = informers.apply(type(registry, "roles"));
    Informer roleBindings = informers.apply(type(registry, "rolebindings"));
    Informer clusterRoles = informers.apply(type(registry, "clusterroles"));
    Informer clusterRoleBindings = informers.apply(type(registry, "clusterrolebindings"));
    // the bootstrap policy is kube-apiserver's own write; the aggregation is kube-controller-manager's
    // the policy is a class-path read: off the event loop
    return vertx.executeBlocking(BootstrapPolicy::load, false)
        .compose(policy -> policy.reconcile(FieldManagedStore.withManager(store, FieldManagedStore.KUBE_APISERVER),
            registry))
        .compose(v -> Future.all(roles.start(), roleBindings.start(), clusterRoles.start(),
            clusterRoleBindings.start()))
        .compose(v -> Future.all(roles.waitForCurrent(), roleBindings.waitForCurrent(), clusterRoles.waitForCurrent(),
            clusterRoleBindings.waitForCurrent()))
        .map(v -> {
          new ClusterRoleAggregator(vertx, clusterRoles,
              FieldManagedStore.withManager(aggregation, "kube-controller-manager")).start();
          return new Authorization(new RbacAuthorizer(PolicySource.of(roles, roleBindings, clusterRoles,
              clusterRoleBindings)));
        });
  }

  private static ResourceType type(ResourceRegistry registry, String plural) {
    return registry.byGroupPlural(EscalationGuard.RBAC, plural).orElseThrow();
  }

  /** The authorizer. */
  public RbacAuthorizer authorizer() {
    return authorizer;
  }

  /**
   * Adds impersonation, then {@code between} (kube runs priority and fairness there; may be null), then the
   * authorization filter (call after authentication and the body handler).
   */
  public void mountFilters(Router router, io.vertx.core.Handler<io.vertx.ext.web.RoutingContext> between) {
    router.route().handler(new Impersonation(authorizer));
    if (between != null) {
      router.route().handler(between);
    }
    router.route().handler(new AuthorizationHandler(authorizer));
  }

  /** Adds the review resources (call before the REST API). */
  public void mountReviews(Router router, io.dekube.apiserver.auth.TokenReviewer tokens) {
    new ReviewApi(authorizer, tokens).mount(router);
  }
}
