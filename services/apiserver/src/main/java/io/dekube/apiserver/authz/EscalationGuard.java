package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * kube's RBAC escalation prevention, checked before a Role, ClusterRole, RoleBinding or
 * ClusterRoleBinding is written: a user may only create or update a role whose rules they hold
 * themselves (where the role applies), unless they may {@code escalate} it; a ClusterRole with an
 * aggregationRule needs cluster-admin's authority; a user may only bind a role whose rules they
 * hold in the binding's namespace, unless they may {@code bind} it. {@code system:masters} may do
 * all of it. Pure over the authorizer's in-memory policy; throws 403 in kube's words.
 */
public final class EscalationGuard {

  static final String RBAC = "rbac.authorization.k8s.io";

  private final RbacAuthorizer authorizer;

  public EscalationGuard(RbacAuthorizer authorizer) {
    this.authorizer = authorizer;
  }

  /** Whether the request writes an RBAC object and so must be checked. */
  public static boolean applies(Attributes a) {
    return a.resourceRequest() && a.apiGroup().equals(RBAC) && a.subresource().isEmpty()
        && (a.verb().equals("create") || a.verb().equals("update") || a.verb().equals("patch"))
        && List.of("roles", "clusterroles", "rolebindings", "clusterrolebindings").contains(a.resource());
  }

  /**
   * Checks a write of {@code object} (the new Role, ClusterRole or binding; for a patch, the
   * patched object; null when it is not known: then only the {@code escalate}/{@code bind} verbs
   * let it pass).
   *
   * @throws StatusException 403 naming the rights the user does not hold
   */
  public void check(Attributes a, ObjectNode object) {
    UserInfo user = a.user();
    if (user.groups().contains(RbacAuthorizer.MASTERS)) {
      return;
    }
    String name = object == null ? a.name() : object.path("metadata").path("name").asText(a.name());
    Attributes named = new Attributes(user, a.verb(), true, a.apiGroup(), a.apiVersion(), a.resource(), "",
        a.namespace(), name, a.path());
    if (a.resource().endsWith("roles")) {
      checkRole(named, object);
    } else {
      checkBinding(named, object);
    }
  }

  private void checkRole(Attributes a, ObjectNode role) {
    if (allowed(a, "escalate", a.resource(), a.name())) {
      return;
    }
    if (role == null) {
      throw Forbidden.status(a, "patching " + a.resource() + " needs the escalate verb on them; send the whole "
          + "object with an update instead");
    }
    if (a.resource().equals("clusterroles") && !role.path("aggregationRule").isMissingNode()
        && !role.path("aggregationRule").isNull()) {
      List<ObjectNode> missing = Coverage.missing(authorizer.rulesFor(a.user(), ""),
          List.of(ClusterAdmin.RULE_ALL_RESOURCES, ClusterAdmin.RULE_ALL_URLS));
      if (!missing.isEmpty()) {
        throw Forbidden.status(a, "must have cluster-admin privileges to use the aggregationRule");
      }
    }
    confirmNoEscalation(a, role.path("rules"));
  }

  private void checkBinding(Attributes a, ObjectNode binding) {
    if (binding == null) {
      if (!allowed(a, "bind", "clusterroles", "") && !allowed(a, "bind", "roles", "")) {
        throw Forbidden.status(a, "patching " + a.resource() + " needs the bind verb; send the whole object with an "
            + "update instead");
      }
      return;
    }
    JsonNode ref = binding.path("roleRef");
    String kind = ref.path("kind").asText();
    String roleName = ref.path("name").asText();
    String resource = kind.equals("Role") ? "roles" : "clusterroles";
    if (allowed(a, "bind", resource, roleName)) {
      return;
    }
    ObjectNode role = kind.equals("Role") ? authorizer.policy().role(a.namespace(), roleName)
        : authorizer.policy().clusterRole(roleName);
    if (role == null) {
      throw Forbidden.status(a, resource + ".rbac.authorization.k8s.io \"" + roleName + "\" not found");
    }
    confirmNoEscalation(a, role.path("rules"));
  }

  private boolean allowed(Attributes a, String verb, String resource, String name) {
    return authorizer.authorize(Attributes.resource(a.user(), verb, RBAC, resource, "", a.namespace(), name))
        .allowed();
  }

  private void confirmNoEscalation(Attributes a, JsonNode rules) {
    List<ObjectNode> missing = Coverage.missing(authorizer.rulesFor(a.user(), a.namespace()), rules);
    if (missing.isEmpty()) {
      return;
    }
    String groups = Coverage.quoted(Json.MAPPER.valueToTree(a.user().groups()));
    throw Forbidden.status(a, "user \"" + a.user().name() + "\" (groups=" + groups + ") is attempting to grant RBAC "
        + "permissions not currently held:\n" + Coverage.describe(missing).stream().collect(Collectors.joining("\n")));
  }
}
