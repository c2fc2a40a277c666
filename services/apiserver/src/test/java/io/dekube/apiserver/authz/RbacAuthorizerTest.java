package io.dekube.apiserver.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The RBAC rules, subjects, attributes and messages, as tables of cases without a cluster. */
class RbacAuthorizerTest {

  static final UserInfo JANE = new UserInfo("jane", "", List.of("devs", UserInfo.AUTHENTICATED));
  static final UserInfo ROBOT = new UserInfo("system:serviceaccount:team:robot", "",
      List.of("system:serviceaccounts", "system:serviceaccounts:team", UserInfo.AUTHENTICATED));

  static final class Policy implements PolicySource {
    final List<ObjectNode> clusterRoleBindings = new ArrayList<>();
    final List<ObjectNode> roleBindings = new ArrayList<>();
    final Map<String, ObjectNode> roles = new java.util.HashMap<>();

    @Override
    public List<ObjectNode> clusterRoleBindings() {
      return clusterRoleBindings;
    }

    @Override
    public List<ObjectNode> roleBindings(String namespace) {
      return roleBindings.stream().filter(b -> b.at("/metadata/namespace").asText().equals(namespace)).toList();
    }

    @Override
    public ObjectNode clusterRole(String name) {
      return roles.get("/" + name);
    }

    @Override
    public ObjectNode role(String namespace, String name) {
      return roles.get(namespace + "/" + name);
    }

    Policy role(String namespace, String name, String rulesJson) throws Exception {
      ObjectNode r = Json.object();
      Json.metadata(r).put("name", name).put("namespace", namespace);
      r.set("rules", Json.MAPPER.readTree(rulesJson));
      roles.put(namespace + "/" + name, r);
      return this;
    }

    Policy bind(String namespace, String roleKind, String role, String subjectsJson) throws Exception {
      ObjectNode b = Json.object();
      Json.metadata(b).put("name", role + "-binding").put("namespace", namespace);
      b.putObject("roleRef").put("kind", roleKind).put("name", role);
      b.set("subjects", Json.MAPPER.readTree(subjectsJson));
      (namespace.isEmpty() ? clusterRoleBindings : roleBindings).add(b);
      return this;
    }
  }

  static Attributes req(UserInfo u, String verb, String group, String resource, String sub, String ns, String name) {
    return Attributes.resource(u, verb, group, resource, sub, ns, name);
  }

  @Test
  void rulesMatchVerbsGroupsResourcesSubresourcesNamesAndUrls() throws Exception {
    Policy p = new Policy()
        .role("", "reader", "[{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/log\"],\"verbs\":[\"get\",\"list\"]},"
            + "{\"apiGroups\":[\"apps\"],\"resources\":[\"*/scale\"],\"verbs\":[\"update\"]},"
            + "{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"resourceNames\":[\"settings\"],\"verbs\":[\"*\"]},"
            + "{\"nonResourceURLs\":[\"/metrics\",\"/logs/*\"],\"verbs\":[\"get\"]}]")
        .bind("team", "ClusterRole", "reader", "[{\"kind\":\"User\",\"name\":\"jane\"}]");
    RbacAuthorizer rbac = new RbacAuthorizer(p);
    assertTrue(rbac.authorize(req(JANE, "list", "", "pods", "", "team", "")).allowed());
    assertTrue(rbac.authorize(req(JANE, "get", "", "pods", "log", "team", "web")).allowed());
    assertFalse(rbac.authorize(req(JANE, "get", "", "pods", "exec", "team", "web")).allowed(), "other subresource");
    assertFalse(rbac.authorize(req(JANE, "list", "", "pods", "", "other", "")).allowed(), "other namespace");
    assertFalse(rbac.authorize(req(JANE, "delete", "", "pods", "", "team", "web")).allowed(), "other verb");
    assertFalse(rbac.authorize(req(JANE, "list", "apps", "pods", "", "team", "")).allowed(), "other group");
    assertTrue(rbac.authorize(req(JANE, "update", "apps", "deployments", "scale", "team", "web")).allowed());
    assertFalse(rbac.authorize(req(JANE, "update", "apps", "deployments", "", "team", "web")).allowed());
    assertTrue(rbac.authorize(req(JANE, "delete", "", "configmaps", "", "team", "settings")).allowed());
    assertFalse(rbac.authorize(req(JANE, "list", "", "configmaps", "", "team", "")).allowed(), "names limit lists");
    assertFalse(rbac.authorize(Attributes.nonResource(JANE, "get", "/metrics")).allowed(),
        "non-resource URLs only through cluster role bindings");
    p.bind("", "ClusterRole", "reader", "[{\"kind\":\"Group\",\"name\":\"devs\"}]");
    assertTrue(rbac.authorize(Attributes.nonResource(JANE, "get", "/metrics")).allowed());
    assertTrue(rbac.authorize(Attributes.nonResource(JANE, "get", "/logs/kubelet")).allowed());
    assertFalse(rbac.authorize(Attributes.nonResource(JANE, "post", "/metrics")).allowed());
  }

  @Test
  void serviceAccountsMatchByNamespaceAndTheirGroups() throws Exception {
    Policy p = new Policy()
        .role("team", "pod-reader", "[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"list\"]}]")
        .role("team", "cm-reader", "[{\"apiGroups\":[\"\"],\"resources\":[\"configmaps\"],\"verbs\":[\"list\"]}]")
        .bind("team", "Role", "pod-reader", "[{\"kind\":\"ServiceAccount\",\"name\":\"robot\"}]")
        .bind("team", "Role", "cm-reader", "[{\"kind\":\"Group\",\"name\":\"system:serviceaccounts:team\"}]");
    RbacAuthorizer rbac = new RbacAuthorizer(p);
    assertTrue(rbac.authorize(req(ROBOT, "list", "", "pods", "", "team", "")).allowed(), "namespace defaulted");
    assertTrue(rbac.authorize(req(ROBOT, "list", "", "configmaps", "", "team", "")).allowed());
    assertFalse(rbac.authorize(req(JANE, "list", "", "pods", "", "team", "")).allowed());
    UserInfo otherRobot = new UserInfo("system:serviceaccount:other:robot", "", List.of("system:serviceaccounts"));
    assertFalse(rbac.authorize(req(otherRobot, "list", "", "pods", "", "team", "")).allowed());
    UserInfo master = new UserInfo("root", "", List.of(RbacAuthorizer.MASTERS));
    assertTrue(rbac.authorize(req(master, "delete", "", "nodes", "", "", "n1")).allowed());
  }

  @Test
  void attributesFromTheRequestPath() {
    assertEquals("list", Attributes.of(JANE, "GET", "/api/v1/namespaces/default/pods", q -> null).verb());
    assertEquals("watch", Attributes.of(JANE, "GET", "/api/v1/pods", q -> q.equals("watch") ? "true" : null).verb());
    assertEquals("watch", Attributes.of(JANE, "GET", "/api/v1/watch/namespaces/a/pods", q -> null).verb());
    Attributes del = Attributes.of(JANE, "DELETE", "/apis/apps/v1/namespaces/a/deployments", q -> null);
    assertEquals("deletecollection", del.verb());
    assertEquals("apps", del.apiGroup());
    Attributes scale = Attributes.of(JANE, "PUT", "/apis/apps/v1/namespaces/a/deployments/web/scale", q -> null);
    assertEquals(List.of("update", "deployments", "scale", "a", "web"),
        List.of(scale.verb(), scale.resource(), scale.subresource(), scale.namespace(), scale.name()));
    Attributes ns = Attributes.of(JANE, "GET", "/api/v1/namespaces/team", q -> null);
    assertEquals(List.of("get", "namespaces", "team", "team"), List.of(ns.verb(), ns.resource(), ns.namespace(),
        ns.name()));
    Attributes byName = Attributes.of(JANE, "GET", "/api/v1/namespaces/a/pods",
        q -> q.equals("fieldSelector") ? "metadata.name=web" : null);
    assertEquals("web", byName.name());
    Attributes api = Attributes.of(JANE, "GET", "/apis/apps", q -> null);
    assertFalse(api.resourceRequest());
    assertEquals("/apis/apps", api.path());
  }

  @Test
  void forbiddenIsWordedAsKube() {
    assertEquals("pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace "
        + "\"default\"", Forbidden.of(req(JANE, "list", "", "pods", "", "default", ""), "").getMessage());
    assertEquals("deployments.apps \"web\" is forbidden: User \"jane\" cannot update resource \"deployments/scale\" "
        + "in API group \"apps\" in the namespace \"a\"",
        Forbidden.of(req(JANE, "update", "apps", "deployments", "scale", "a", "web"), "").getMessage());
    assertEquals("nodes is forbidden: User \"jane\" cannot watch resource \"nodes\" in API group \"\" at the cluster "
        + "scope", Forbidden.of(req(JANE, "watch", "", "nodes", "", "", ""), "").getMessage());
    assertEquals("forbidden: User \"jane\" cannot get path \"/metrics\"",
        Forbidden.of(Attributes.nonResource(JANE, "get", "/metrics"), "").getMessage());
    assertEquals(403, Forbidden.of(req(JANE, "list", "", "pods", "", "default", ""), "").code());
  }

  @Test
  void coverageNamesTheMissingRightsCompactly() throws Exception {
    List<com.fasterxml.jackson.databind.JsonNode> held = List.of(Json.MAPPER.readTree(
        "{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/*\"],\"verbs\":[\"get\",\"list\"]}"));
    assertTrue(Coverage.missing(held, Json.MAPPER.readTree(
        "[{\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/log\"],\"verbs\":[\"get\"],\"resourceNames\":[\"a\"]}]"))
        .isEmpty());
    var missing = Coverage.missing(held, Json.MAPPER.readTree(
        "[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\",\"delete\",\"create\"]}]"));
    assertEquals(List.of("{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\" \"create\"]}"),
        Coverage.describe(missing));
  }

  @Test
  void aggregationUnitesTheSelectedRoles() throws Exception {
    ObjectNode view = (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":\"view\"},\"aggregationRule\":"
        + "{\"clusterRoleSelectors\":[{\"matchLabels\":{\"agg\":\"view\"}}]}}");
    ObjectNode a = (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":\"a\",\"labels\":{\"agg\":\"view\"}},"
        + "\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}");
    ObjectNode b = (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":\"b\",\"labels\":{\"agg\":\"view\"}},"
        + "\"rules\":[{\"verbs\":[\"get\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]},"
        + "{\"verbs\":[\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\"]}]}");
    ObjectNode c = (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":\"c\"},"
        + "\"rules\":[{\"verbs\":[\"*\"],\"apiGroups\":[\"*\"],\"resources\":[\"*\"]}]}");
    var rules = ClusterRoleAggregator.aggregate(view, view.get("aggregationRule"), List.of(c, b, view, a));
    assertEquals(2, rules.size(), rules.toString());
    assertEquals("list", rules.get(1).at("/verbs/0").asText());
  }

  @Test
  void bootstrapPolicyMergeAddsWhatIsMissingAndRespectsAutoupdateFalse() {
    BootstrapPolicy policy = BootstrapPolicy.load();
    ObjectNode wanted = policy.clusterRoles().stream()
        .filter(r -> r.at("/metadata/name").asText().equals("system:basic-user")).findFirst().orElseThrow();
    ObjectNode existing = wanted.deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) existing.get("rules")).remove(1);
    ObjectNode merged = BootstrapPolicy.merge(existing, wanted);
    assertEquals(wanted.get("rules"), merged.get("rules"));
    assertEquals(null, BootstrapPolicy.merge(wanted.deepCopy(), wanted), "nothing to change");
    ((ObjectNode) existing.at("/metadata/annotations")).put(BootstrapPolicy.AUTOUPDATE, "false");
    assertEquals(null, BootstrapPolicy.merge(existing, wanted));
  }
}
