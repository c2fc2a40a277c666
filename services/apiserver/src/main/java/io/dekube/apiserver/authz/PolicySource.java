package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import java.util.List;

/**
 * The RBAC objects the authorizer reads: from the apiserver's informers in a cluster, from lists
 * in tests. Implementations answer from memory, without I/O, on any thread.
 */
public interface PolicySource {

  List<ObjectNode> clusterRoleBindings();

  List<ObjectNode> roleBindings(String namespace);

  /** The ClusterRole, or null. */
  ObjectNode clusterRole(String name);

  /** The Role, or null. */
  ObjectNode role(String namespace, String name);

  /** The object a write to {@code resource} ({@code roles}, {@code clusterrolebindings}...) would replace, or null. */
  default ObjectNode current(String resource, String namespace, String name) {
    return switch (resource) {
      case "roles" -> role(namespace, name);
      case "clusterroles" -> clusterRole(name);
      case "rolebindings" -> named(roleBindings(namespace), name);
      case "clusterrolebindings" -> named(clusterRoleBindings(), name);
      default -> null;
    };
  }

  private static ObjectNode named(List<ObjectNode> objects, String name) {
    return objects.stream().filter(o -> o.path("metadata").path("name").asText().equals(name)).findFirst()
        .orElse(null);
  }

  /** The policy in four informers (rbac.authorization.k8s.io roles, rolebindings, clusterroles, clusterrolebindings). */
  static PolicySource of(Informer roles, Informer roleBindings, Informer clusterRoles, Informer clusterRoleBindings) {
    return new PolicySource() {
      @Override
      public List<ObjectNode> clusterRoleBindings() {
        return clusterRoleBindings.list();
      }

      @Override
      public List<ObjectNode> roleBindings(String namespace) {
        return roleBindings.list(namespace);
      }

      @Override
      public ObjectNode clusterRole(String name) {
        return clusterRoles.get("", name);
      }

      @Override
      public ObjectNode role(String namespace, String name) {
        return roles.get(namespace, name);
      }
    };
  }
}
