package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.server.StatusResponses;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * kube-apiserver's impersonation filter ({@code kubectl --as jane --as-group devs}): the
 * {@code Impersonate-User}, {@code -Group}, {@code -Uid} and {@code -Extra-<key>} headers are each
 * authorized for the authenticated user with the {@code impersonate} verb (on {@code users},
 * {@code serviceaccounts}, {@code groups}, {@code authentication.k8s.io} {@code uids} and
 * {@code userextras/<key>}), and the request then runs as the impersonated user (with
 * {@code system:authenticated}; a ServiceAccount without groups gets its ServiceAccount groups).
 * 403 in kube's words when one is not allowed; 400 for groups, uid or extras without a user. Runs
 * on the event loop; no I/O.
 */
public final class Impersonation implements Handler<RoutingContext> {

  /** The context key of the authenticated user who impersonates. */
  public static final String ACTOR_KEY = "authz.actor";
  private static final String SA_PREFIX = "system:serviceaccount:";

  private final RbacAuthorizer authorizer;

  public Impersonation(RbacAuthorizer authorizer) {
    this.authorizer = authorizer;
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap h = ctx.request().headers();
    String name = h.get("Impersonate-User");
    List<String> groups = h.getAll("Impersonate-Group");
    String uid = h.get("Impersonate-Uid");
    ObjectNode extra = Json.object();
    for (Map.Entry<String, String> e : h.entries()) {
      if (e.getKey().toLowerCase().startsWith("impersonate-extra-")) {
        String key = decode(e.getKey().substring("impersonate-extra-".length()).toLowerCase());
        (extra.has(key) ? (com.fasterxml.jackson.databind.node.ArrayNode) extra.get(key) : extra.putArray(key))
            .add(e.getValue());
      }
    }
    if (name == null && groups.isEmpty() && uid == null && extra.isEmpty()) {
      ctx.next();
      return;
    }
    try {
      UserInfo actor = ctx.get(UserInfo.CONTEXT_KEY);
      ctx.put(UserInfo.CONTEXT_KEY, impersonate(actor, name, groups, uid, extra));
      ctx.put(ACTOR_KEY, actor);
      ctx.next();
    } catch (StatusException e) {
      StatusResponses.send(ctx, e);
    }
  }

  private UserInfo impersonate(UserInfo actor, String name, List<String> groups, String uid, ObjectNode extra) {
    if (name == null || name.isEmpty()) {
      throw StatusException.badRequest("requested impersonation of groups, uid or extra without impersonating a user");
    }
    List<String> newGroups = new ArrayList<>(groups);
    if (name.startsWith(SA_PREFIX) && name.substring(SA_PREFIX.length()).contains(":")) {
      String rest = name.substring(SA_PREFIX.length());
      String ns = rest.substring(0, rest.indexOf(':'));
      check(Attributes.resource(actor, "impersonate", "", "serviceaccounts", "", ns, rest.substring(rest.indexOf(':') + 1)));
      if (groups.isEmpty()) {
        newGroups.add("system:serviceaccounts");
        newGroups.add("system:serviceaccounts:" + ns);
      }
    } else {
      check(Attributes.resource(actor, "impersonate", "", "users", "", "", name));
    }
    for (String g : groups) {
      check(Attributes.resource(actor, "impersonate", "", "groups", "", "", g));
    }
    if (uid != null) {
      check(Attributes.resource(actor, "impersonate", "authentication.k8s.io", "uids", "", "", uid));
    }
    extra.fields().forEachRemaining(e -> e.getValue().forEach(v -> check(Attributes.resource(actor, "impersonate",
        "authentication.k8s.io", "userextras", e.getKey(), "", v.asText()))));
    Map<String, List<String>> extras = new java.util.LinkedHashMap<>();
    extra.fields().forEachRemaining(e -> {
      List<String> values = new ArrayList<>();
      e.getValue().forEach(v -> values.add(v.asText()));
      extras.put(e.getKey(), values);
    });
    UserInfo user = new UserInfo(name, uid, newGroups, extras);
    return name.equals(UserInfo.ANONYMOUS_NAME) ? user.withGroup(UserInfo.UNAUTHENTICATED)
        : user.withGroup(UserInfo.AUTHENTICATED);
  }

  private void check(Attributes a) {
    RbacAuthorizer.Decision d = authorizer.authorize(a);
    if (!d.allowed()) {
      throw Forbidden.of(a, d.reason());
    }
  }

  /** Header keys carry percent-encoded extra keys. */
  private static String decode(String key) {
    return java.net.URLDecoder.decode(key, java.nio.charset.StandardCharsets.UTF_8);
  }
}
