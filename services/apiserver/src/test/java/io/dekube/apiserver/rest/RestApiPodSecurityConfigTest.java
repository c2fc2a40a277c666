package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.model.Json;
import io.dekube.store.admission.podsecurity.PodSecurityConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The apiserver's PodSecurity warnings under an {@code --admission-control-config-file}: the default warn level
 * of an unlabelled namespace, none in an exempt namespace (kube's tutorial "Apply Pod Security Standards at the
 * Cluster Level").
 */
class RestApiPodSecurityConfigTest extends RestApiTestBase {

  static final PodSecurityConfig TUTORIAL = PodSecurityConfig.parse(readYaml("""
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults: {enforce: baseline, enforce-version: latest, audit: restricted, audit-version: latest,
                 warn: restricted, warn-version: latest}
      exemptions: {usernames: [], runtimeClasses: [], namespaces: [kube-system]}
      """));

  static com.fasterxml.jackson.databind.JsonNode readYaml(String text) {
    try {
      return Json.YAML.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected RestApi configure(RestApi api) {
    return api.withPodSecurity(TUTORIAL);
  }

  @Override
  protected void installBefore(io.vertx.ext.web.Router router) {
    router.route().handler(ctx -> {
      String as = ctx.request().getHeader("X-Test-User");
      if (as != null) {
        ctx.put(io.dekube.core.auth.UserInfo.CONTEXT_KEY, new io.dekube.core.auth.UserInfo(as, "", List.of()));
      }
      ctx.next();
    });
  }

  /** A write carries its user's name to the writer, whose PodSecurity honours the exempt {@code usernames}. */
  @Test
  void aWriteCarriesItsUsersNameForTheWritersExemptions() throws Exception {
    HttpFixture.Res created = http.send("POST", "/api/v1/namespaces/default/pods", "application/json",
        pod("default", "nginx", ""), "X-Test-User", "alice");
    assertEquals(201, created.code());
    assertEquals("alice", backend.lastCreate().user());
  }

  @Test
  void anUnlabelledNamespaceWarnsAtTheDefaultLevelAndAnExemptOneDoesNot() throws Exception {
    HttpFixture.Res created = http.post("/api/v1/namespaces/default/pods", pod("default", "nginx", ""));
    assertEquals(201, created.code());
    List<String> warnings = created.header("Warning");
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).startsWith("299 - \"would violate PodSecurity \\\"restricted:latest\\\": "
        + "allowPrivilegeEscalation != false"), warnings.get(0));
    HttpFixture.Res exempt = http.post("/api/v1/namespaces/kube-system/pods", pod("kube-system", "nginx", ""));
    assertEquals(201, exempt.code());
    assertEquals(List.of(), exempt.header("Warning"));
  }

  @Test
  void labellingTheExemptNamespaceWarnsThatItsPolicyIsIgnored() throws Exception {
    HttpFixture.Res created = http.post("/api/v1/namespaces", HttpFixture.json("{'apiVersion':'v1','kind':"
        + "'Namespace','metadata':{'name':'kube-system','labels':{'pod-security.kubernetes.io/enforce':'restricted'}}}"));
    assertEquals(201, created.code());
    assertEquals(List.of("299 - \"namespace \\\"kube-system\\\" is exempt from Pod Security, and the policy "
        + "(enforce=restricted:latest) will be ignored\""), created.header("Warning"));
  }
}
