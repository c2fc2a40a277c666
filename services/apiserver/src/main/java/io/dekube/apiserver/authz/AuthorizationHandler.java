package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.StatusException;
import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.server.StatusResponses;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's authorization filter, after authentication and impersonation: derives the
 * request's {@link Attributes}, puts them on the context under {@code "authz.attributes"} and
 * passes the request on when {@link RbacAuthorizer} allows it; 403 in kube's words otherwise.
 * Anonymous requests are authorized as any other: kube's {@code system:public-info-viewer} binding opens
 * {@code /healthz}, {@code /livez}, {@code /readyz} and {@code /version} to them (not the single checks such as
 * {@code /readyz/etcd}), and only while it is bound. Runs on the event loop; no I/O.
 */
public final class AuthorizationHandler implements Handler<RoutingContext> {

  /** The context key of the request's attributes. */
  public static final String ATTRIBUTES = "authz.attributes";
  /** The context key of the authorizer's {@link RbacAuthorizer.Decision} (for the audit's annotations). */
  public static final String DECISION = "authz.decision";
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizationHandler.class);

  private final RbacAuthorizer authorizer;

  private final EscalationGuard guard;

  public AuthorizationHandler(RbacAuthorizer authorizer) {
    this.authorizer = authorizer;
    this.guard = new EscalationGuard(authorizer);
  }

  private static String kindOf(String resource) {
    return switch (resource) {
      case "roles" -> "Role";
      case "clusterroles" -> "ClusterRole";
      case "rolebindings" -> "RoleBinding";
      default -> "ClusterRoleBinding";
    };
  }

  @Override
  public void handle(RoutingContext ctx) {
    try {
      authorize(ctx);
    } catch (StatusException e) {
      StatusResponses.send(ctx, e);
    }
  }

  private void authorize(RoutingContext ctx) {
    UserInfo user = ctx.get(UserInfo.CONTEXT_KEY);
    Attributes a = Attributes.of(user, ctx.request().method().name(), ctx.request().path(),
        ctx.request()::getParam);
    ctx.put(ATTRIBUTES, a);
    if (user == null) {
      ctx.next();
      return;
    }
    RbacAuthorizer.Decision d = authorizer.authorize(a);
    ctx.put(DECISION, d);
    if (d.allowed()) {
      if (EscalationGuard.applies(a)) {
        ObjectNode body = a.verb().equals("patch")
            ? RequestBodies.patched(ctx, authorizer.policy().current(a.resource(), a.namespace(), a.name()),
                a.apiGroup(), a.apiVersion(), a.resource(), kindOf(a.resource()))
            : RequestBodies.object(ctx, a.apiGroup(), a.apiVersion(), a.resource(), kindOf(a.resource()));
        guard.check(a, body);
      }
      ctx.next();
    } else {
      LOG.debug("forbidden: {}", Forbidden.message(a));
      StatusResponses.send(ctx, Forbidden.of(a, d.reason()));
    }
  }
}
