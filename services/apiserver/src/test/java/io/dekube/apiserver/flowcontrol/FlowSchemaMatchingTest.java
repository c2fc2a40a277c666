package io.dekube.apiserver.flowcontrol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.authz.Attributes;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Classification by kube's bootstrap FlowSchemas and by users' own ones. */
class FlowSchemaMatchingTest {

  private static final FlowControlConfig BOOTSTRAP = bootstrap();

  private static FlowControlConfig bootstrap(ObjectNode... more) {
    List<ObjectNode> all = FlowControlBootstrap.objects();
    List<ObjectNode> schemas = new java.util.ArrayList<>(all.stream()
        .filter(o -> o.path("kind").asText().equals("FlowSchema")).toList());
    schemas.addAll(List.of(more));
    return FlowControlConfig.of(schemas, all.stream()
        .filter(o -> o.path("kind").asText().equals("PriorityLevelConfiguration")).toList());
  }

  private static UserInfo user(String name, String... groups) {
    List<String> g = new java.util.ArrayList<>(List.of(groups));
    g.add(UserInfo.AUTHENTICATED);
    return new UserInfo(name, "", g);
  }

  private static String classify(FlowControlConfig config, UserInfo user, String method, String path) {
    FlowControlConfig.Match m = config.classify(Attributes.of(user, method, path, q -> null));
    return m.schema().name() + "/" + m.level().name() + "/" + m.distinguisher();
  }

  @Test
  void kubesBootstrapSchemasInMatchingPrecedence() {
    UserInfo admin = user("kubernetes-admin", "system:masters");
    assertEquals("exempt/exempt/", classify(BOOTSTRAP, admin, "POST", "/api/v1/namespaces/default/pods"));
    // health checks of anyone are exempt
    assertEquals("probes/exempt/", classify(BOOTSTRAP, UserInfo.anonymous(), "GET", "/readyz"));
    // a node's own Node object and lease: node-high, by user
    UserInfo node = user("system:node:n1", "system:nodes");
    assertEquals("system-node-high/node-high/system:node:n1", classify(BOOTSTRAP, node, "PATCH",
        "/api/v1/nodes/n1/status"));
    assertEquals("system-node-high/node-high/system:node:n1", classify(BOOTSTRAP, node, "PUT",
        "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1"));
    // everything else a node does: system-nodes
    assertEquals("system-nodes/system/system:node:n1", classify(BOOTSTRAP, node, "GET",
        "/api/v1/namespaces/default/pods"));
    // leader election of kube-system service accounts (ServiceAccount subject with name *)
    UserInfo sa = user("system:serviceaccount:kube-system:foo", "system:serviceaccounts",
        "system:serviceaccounts:kube-system");
    assertEquals("system-leader-election/leader-election/system:serviceaccount:kube-system:foo",
        classify(BOOTSTRAP, sa, "PUT", "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/foo"));
    assertEquals("kube-system-service-accounts/workload-high/", classify(BOOTSTRAP, sa, "GET", "/api/v1/pods"));
    assertEquals("kube-system-service-accounts/workload-high/kube-system", classify(BOOTSTRAP, sa, "GET",
        "/api/v1/namespaces/kube-system/pods"));
    // other service accounts, by namespace
    UserInfo app = user("system:serviceaccount:team:app", "system:serviceaccounts", "system:serviceaccounts:team");
    assertEquals("service-accounts/workload-low/system:serviceaccount:team:app", classify(BOOTSTRAP, app, "GET",
        "/api/v1/namespaces/team/configmaps"));
    // a user: global-default by user
    assertEquals("global-default/global-default/alice", classify(BOOTSTRAP, user("alice"), "GET",
        "/api/v1/namespaces/default/pods/p"));
    assertEquals("global-default/global-default/system:anonymous", classify(BOOTSTRAP, UserInfo.anonymous(), "GET",
        "/api/v1/pods"));
    // in neither group: catch-all
    assertEquals("catch-all/catch-all/nobody", classify(BOOTSTRAP, new UserInfo("nobody", "", List.of()), "GET",
        "/api/v1/pods"));
  }

  private static ObjectNode schema(String name, int precedence, String level, String distinguisher, String rule) {
    try {
      ObjectNode fs = (ObjectNode) Json.YAML.readTree("apiVersion: flowcontrol.apiserver.k8s.io/v1\n"
          + "kind: FlowSchema\nmetadata: {name: " + name + ", uid: uid-" + name + "}\nspec:\n"
          + "  priorityLevelConfiguration: {name: " + level + "}\n  matchingPrecedence: " + precedence + "\n"
          + (distinguisher == null ? "" : "  distinguisherMethod: {type: " + distinguisher + "}\n")
          + "  rules:\n  - " + rule);
      return fs;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void resourceRulesMatchVerbGroupResourceSubresourceAndScope() {
    FlowControlConfig config = bootstrap(schema("team-pods", 50, "workload-low", "ByNamespace",
        "{subjects: [{kind: User, user: {name: alice}}], resourceRules: [{verbs: [get, list], apiGroups: [''], "
            + "resources: [pods, pods/status], namespaces: [team]}, {verbs: ['*'], apiGroups: [apps], "
            + "resources: ['*'], clusterScope: true}]}"));
    UserInfo alice = user("alice");
    assertEquals("team-pods/workload-low/team", classify(config, alice, "GET", "/api/v1/namespaces/team/pods"));
    assertEquals("team-pods/workload-low/team", classify(config, alice, "GET",
        "/api/v1/namespaces/team/pods/p/status"));
    // not its verb, subresource, namespace or user
    assertEquals("global-default/global-default/alice", classify(config, alice, "POST",
        "/api/v1/namespaces/team/pods"));
    assertEquals("global-default/global-default/alice", classify(config, alice, "GET",
        "/api/v1/namespaces/team/pods/p/log"));
    assertEquals("global-default/global-default/alice", classify(config, alice, "GET",
        "/api/v1/namespaces/other/pods"));
    assertEquals("global-default/global-default/bob", classify(config, user("bob"), "GET",
        "/api/v1/namespaces/team/pods"));
    // a cluster-wide list is in no namespace: clusterScope decides
    assertEquals("global-default/global-default/alice", classify(config, alice, "GET", "/api/v1/pods"));
    assertEquals("team-pods/workload-low/", classify(config, alice, "GET", "/apis/apps/v1/deployments"));
    // ... and the second rule names no namespace
    assertEquals("global-default/global-default/alice", classify(config, alice, "GET",
        "/apis/apps/v1/namespaces/team/deployments"));
  }

  @Test
  void nonResourceRulesAndGroupsAndServiceAccounts() {
    FlowControlConfig config = bootstrap(schema("debuggers", 60, "workload-high", "ByUser",
        "{subjects: [{kind: Group, group: {name: devs}}, {kind: ServiceAccount, serviceAccount: "
            + "{namespace: tools, name: scraper}}], nonResourceRules: [{verbs: [get], nonResourceURLs: "
            + "['/metrics', '/debug/*']}]}"));
    assertEquals("debuggers/workload-high/carol", classify(config, user("carol", "devs"), "GET", "/metrics"));
    assertEquals("debuggers/workload-high/carol", classify(config, user("carol", "devs"), "GET",
        "/debug/api_priority_and_fairness/dump_queues"));
    assertEquals("global-default/global-default/carol", classify(config, user("carol", "devs"), "GET", "/version"));
    assertEquals("global-default/global-default/carol", classify(config, user("carol", "devs"), "POST", "/metrics"));
    UserInfo scraper = user("system:serviceaccount:tools:scraper", "system:serviceaccounts");
    assertEquals("debuggers/workload-high/system:serviceaccount:tools:scraper",
        classify(config, scraper, "GET", "/metrics"));
    UserInfo other = user("system:serviceaccount:tools:other", "system:serviceaccounts");
    assertEquals("service-accounts/workload-low/system:serviceaccount:tools:other", classify(config, other, "GET",
        "/metrics"));
    // a resource request never matches a non-resource rule
    assertEquals("global-default/global-default/carol", classify(config, user("carol", "devs"), "GET",
        "/api/v1/namespaces/default/pods"));
  }

  @Test
  void aDanglingSchemaIsSkippedAndTiesGoByName() {
    FlowControlConfig config = bootstrap(schema("b-first", 10, "no-such-level", null,
        "{subjects: [{kind: Group, group: {name: '*'}}], nonResourceRules: [{verbs: ['*'], nonResourceURLs: ['*']}]}"),
        schema("a-same", 20, "workload-low", null,
            "{subjects: [{kind: User, user: {name: '*'}}], nonResourceRules: [{verbs: [get], nonResourceURLs: [/x]}]}"),
        schema("b-same", 20, "workload-high", null,
            "{subjects: [{kind: User, user: {name: '*'}}], nonResourceRules: [{verbs: [get], nonResourceURLs: [/x]}]}"));
    assertTrue(config.dangling(schema("b-first", 10, "no-such-level", null, "{subjects: []}")));
    assertFalse(config.dangling(schema("a-same", 20, "workload-low", null, "{subjects: []}")));
    assertEquals("a-same/workload-low/", classify(config, user("dave"), "GET", "/x"));
  }

  @Test
  void nominalSeatsShareTheServersLimitByShares() {
    Map<String, Integer> limits = BOOTSTRAP.nominalLimits(600);
    // shares 5, 30, 40, 10, 40, 100, 20 and exempt's 0: 245 in all
    assertEquals(13, limits.get("catch-all"));
    assertEquals(74, limits.get("system"));
    assertEquals(25, limits.get("leader-election"));
    assertEquals(245, limits.get("workload-low"));
    assertEquals(49, limits.get("global-default"));
    assertEquals(0, limits.get("exempt"));
  }
}
