package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * kube-apiserver's RBAC authorizer: a request is allowed when a rule of a role bound to the user
 * allows it — ClusterRoles through ClusterRoleBindings anywhere, Roles and ClusterRoles through
 * RoleBindings in the request's namespace. Subjects are users, groups and ServiceAccounts
 * ({@code system:serviceaccount:<ns>:<name>}). Members of {@code system:masters} may do
 * everything (kube's privileged-group authorizer in front of RBAC). Reads the policy from memory;
 * thread-safe; never blocks.
 */
public final class RbacAuthorizer {

  /** kube's superuser group. */
  public static final String MASTERS = "system:masters";

  /** A decision: allowed or not, and kube's reason text. */
  public record Decision(boolean allowed, String reason) {
  }

  private final PolicySource policy;

  public RbacAuthorizer(PolicySource policy) {
    this.policy = policy;
  }

  /** The policy this authorizer reads. */
  public PolicySource policy() {
    return policy;
  }

  /** Decides one request. */
  public Decision authorize(Attributes a) {
    if (a.user().groups().contains(MASTERS)) {
      return new Decision(true, "");
    }
    String[] reason = {""};
    boolean allowed = visit(a.user(), a.namespace(), (source, rule) -> {
      if (Rules.allows(rule, a)) {
        reason[0] = "RBAC: allowed by " + source;
        return true;
      }
      return false;
    });
    return new Decision(allowed, allowed ? reason[0] : "");
  }

  /**
   * Every rule of the bindings that apply to {@code user} in {@code namespace} ("" = cluster-wide only).
   * {@code system:masters} may do anything whatever its bindings say, but that shortcut lists no rules
   * of its own, as kube's privileged-group authorizer is no rule resolver.
   */
  public List<JsonNode> rulesFor(UserInfo user, String namespace) {
    List<JsonNode> rules = new ArrayList<>();
    visit(user, namespace, (source, rule) -> {
      rules.add(rule);
      return false;
    });
    return rules;
  }

  /** A visitor of the applicable rules; returns true to stop. */
  interface RuleVisitor {
    boolean visit(String source, JsonNode rule);
  }

  private boolean visit(UserInfo user, String namespace, RuleVisitor visitor) {
    for (ObjectNode b : policy.clusterRoleBindings()) {
      if (bound(b, user, "") && visitRole(b, null, visitor, "ClusterRoleBinding")) {
        return true;
      }
    }
    if (namespace == null || namespace.isEmpty()) {
      return false;
    }
    for (ObjectNode b : policy.roleBindings(namespace)) {
      if (bound(b, user, namespace) && visitRole(b, namespace, visitor, "RoleBinding")) {
        return true;
      }
    }
    return false;
  }

  private boolean visitRole(ObjectNode binding, String namespace, RuleVisitor visitor, String bindingKind) {
    JsonNode ref = binding.path("roleRef");
    String kind = ref.path("kind").asText();
    String roleName = ref.path("name").asText();
    ObjectNode role = kind.equals("Role") && namespace != null ? policy.role(namespace, roleName)
        : kind.equals("ClusterRole") ? policy.clusterRole(roleName) : null;
    if (role == null) {
      return false;
    }
    String source = bindingKind + " \"" + binding.path("metadata").path("name").asText() + "\""
        + " of " + kind + " \"" + roleName + "\"";
    for (JsonNode rule : role.path("rules")) {
      if (visitor.visit(source, rule)) {
        return true;
      }
    }
    return false;
  }

  private static boolean bound(ObjectNode binding, UserInfo user, String namespace) {
    Predicate<JsonNode> applies = s -> appliesTo(s, user, namespace);
    for (JsonNode s : binding.path("subjects")) {
      if (applies.test(s)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a binding subject names the user, as kube's {@code appliesToUser}. */
  static boolean appliesTo(JsonNode subject, UserInfo user, String bindingNamespace) {
    String name = subject.path("name").asText();
    return switch (subject.path("kind").asText()) {
      case "User" -> user.name().equals(name);
      case "Group" -> user.groups().contains(name);
      case "ServiceAccount" -> {
        String ns = subject.path("namespace").asText("");
        if (ns.isEmpty()) {
          ns = bindingNamespace;
        }
        yield !ns.isEmpty() && user.name().equals("system:serviceaccount:" + ns + ":" + name);
      }
      default -> false;
    };
  }
}
