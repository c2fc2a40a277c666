package io.dekube.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.apiserver.audit.AuditPolicy.Level;
import io.dekube.apiserver.audit.AuditPolicy.Stage;
import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.authz.Attributes;
import io.dekube.core.model.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy of kube's auditing docs, matched as kube's policy checker matches. */
class AuditPolicyTest {

  private static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters"));
  private static final UserInfo PROXY = new UserInfo("system:kube-proxy", "", List.of("system:nodes"));

  private static AuditPolicy policy() throws Exception {
    return AuditPolicy.parse(Json.YAML.readTree("""
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: RequestResponse
          resources: [{group: "", resources: ["pods"]}]
        - level: Metadata
          resources: [{group: "", resources: ["pods/log", "pods/status"]}]
        - level: None
          resources: [{group: "", resources: ["configmaps"], resourceNames: ["controller-leader"]}]
        - level: None
          users: ["system:kube-proxy"]
          verbs: ["watch"]
          resources: [{group: "", resources: ["endpoints", "services"]}]
        - level: None
          userGroups: ["system:authenticated"]
          nonResourceURLs: ["/api*", "/version"]
        - level: Request
          resources: [{group: "", resources: ["configmaps"]}]
          namespaces: ["kube-system"]
        - level: Metadata
          resources: [{group: "", resources: ["secrets", "configmaps"]}]
        - level: Request
          resources: [{group: ""}, {group: "extensions"}]
        - level: Metadata
          omitStages: [ResponseStarted]
        """));
  }

  private static Attributes resource(UserInfo u, String verb, String group, String resource, String sub, String ns,
                                     String name) {
    return new Attributes(u, verb, true, group, "v1", resource, sub, ns, name, "");
  }

  @Test
  void theFirstMatchingRuleGivesTheLevel() throws Exception {
    AuditPolicy p = policy();
    assertEquals(Level.RequestResponse, p.decide(resource(ADMIN, "get", "", "pods", "", "default", "x")).level());
    assertEquals(Level.Metadata, p.decide(resource(ADMIN, "get", "", "pods", "log", "default", "x")).level());
    assertEquals(Level.None, p.decide(resource(ADMIN, "update", "", "configmaps", "", "kube-system",
        "controller-leader")).level());
    assertEquals(Level.Request, p.decide(resource(ADMIN, "update", "", "configmaps", "", "kube-system", "other"))
        .level());
    assertEquals(Level.Metadata, p.decide(resource(ADMIN, "get", "", "configmaps", "", "default", "c")).level());
    assertEquals(Level.None, p.decide(resource(PROXY, "watch", "", "endpoints", "", "", "")).level());
    assertEquals(Level.Request, p.decide(resource(PROXY, "list", "", "endpoints", "", "", "")).level());
    assertEquals(Level.Request, p.decide(resource(ADMIN, "get", "", "nodes", "", "", "n")).level());
    assertEquals(Level.Metadata, p.decide(resource(ADMIN, "get", "apps", "deployments", "", "default", "d")).level());
  }

  @Test
  void nonResourceUrlsMatchOnlyOtherRequestsAndEndInAPrefix() throws Exception {
    AuditPolicy p = policy();
    UserInfo authenticated = new UserInfo("u", "", List.of("system:authenticated"));
    assertEquals(Level.None, p.decide(Attributes.nonResource(authenticated, "get", "/apis/apps")).level());
    assertEquals(Level.None, p.decide(Attributes.nonResource(authenticated, "get", "/version")).level());
    AuditPolicy.Decision healthz = p.decide(Attributes.nonResource(authenticated, "get", "/healthz"));
    assertEquals(Level.Metadata, healthz.level());
    assertFalse(healthz.records(Stage.RequestReceived));
    assertFalse(healthz.records(Stage.ResponseStarted));
    assertTrue(healthz.records(Stage.ResponseComplete));
  }

  @Test
  void subresourceWildcardsAsKubeMatchesThem() throws Exception {
    AuditPolicy p = AuditPolicy.parse(Json.YAML.readTree("""
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: Request
          resources: [{group: "apps", resources: ["*/scale"]}]
        - level: Metadata
          resources: [{group: "", resources: ["pods/*"]}]
        """));
    assertEquals(Level.Request, p.decide(resource(ADMIN, "update", "apps", "deployments", "scale", "d", "x")).level());
    assertEquals(Level.None, p.decide(resource(ADMIN, "update", "apps", "deployments", "", "d", "x")).level());
    assertEquals(Level.Metadata, p.decide(resource(ADMIN, "create", "", "pods", "exec", "d", "x")).level());
  }

  @Test
  void aBadPolicySaysWhatIsWrong() {
    IllegalArgumentException level = assertThrows(IllegalArgumentException.class, () -> AuditPolicy.parse(
        Json.YAML.readTree("{apiVersion: audit.k8s.io/v1, kind: Policy, rules: [{level: Everything}]}")));
    assertTrue(level.getMessage().contains("rules[0].level: Unsupported value: \"Everything\""), level.getMessage());
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> AuditPolicy.parse(
        Json.YAML.readTree("{apiVersion: audit.k8s.io/v1, kind: Policy, rules: [{level: None, "
            + "nonResourceURLs: [/x], resources: [{group: ''}]}]}")));
    assertTrue(both.getMessage().contains("both regular resources and non-resource URLs"), both.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AuditPolicy.parse(Json.YAML.readTree(
        "{apiVersion: v1, kind: ConfigMap}")));
  }
}
