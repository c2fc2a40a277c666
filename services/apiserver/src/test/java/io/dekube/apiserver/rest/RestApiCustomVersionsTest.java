package io.dekube.apiserver.rest;

import static io.dekube.apiserver.rest.HttpFixture.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.codec.VersionConverter;
import io.dekube.apiserver.crd.CustomVersions;
import io.dekube.apiserver.admission.webhook.CachedConfigurations;
import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import io.dekube.core.crd.CronTabs;
import io.dekube.store.admission.webhook.ConfigurationSource;
import io.dekube.store.admission.webhook.EquivalentVersions;
import io.dekube.store.admission.webhook.ServiceResolver;
import io.dekube.store.admission.webhook.ValidatingPolicies;
import io.dekube.store.admission.webhook.WebhookAdmission;
import io.dekube.store.cel.CelAuthorizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The versions of a CRD served each with its own subresources, as kube's {@code spec.versions[*].subresources}. */
class RestApiCustomVersionsTest extends RestApiTestBase {

  private static final String ADMISSION = "admissionregistration.k8s.io";

  private AdmissionWebhookServer hooks;

  @Override
  protected RestApi configure(RestApi api) {
    try {
      hooks = new AdmissionWebhookServer();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    WebhookAdmission admission = new WebhookAdmission(vertx, configurations("validatingwebhookconfigurations"),
        configurations("mutatingwebhookconfigurations"), ns -> null,
        (ns, name, port) -> new ServiceResolver.Endpoint("127.0.0.1", hooks.port()), ValidatingPolicies.NONE,
        CelAuthorizer.NONE, (type, verb, n, o) -> n, EquivalentVersions.of(registry));
    return api.withWebhooks(admission);
  }

  private ConfigurationSource configurations(String plural) {
    return CachedConfigurations.of(backend.cache(registry.byGroupPlural(ADMISSION, plural).orElseThrow()));
  }

  @AfterEach
  void closeHooks() throws Exception {
    hooks.close();
  }

  @Override
  protected Codecs codecs() {
    return Codecs.jsonOnly().withVersions(new CustomVersions(registry, VersionConverter.NONE));
  }

  @BeforeEach
  void serveCronTabs() throws Exception {
    registry.serve(CronTabs.kind("[{name: v1, served: true, storage: true, subresources: {status: {}}}, "
        + "{name: v2, served: true, storage: false, subresources: {scale: {specReplicasPath: .spec.replicas, "
        + "statusReplicasPath: .status.replicas}}}]", "{strategy: None}"));
  }

  @Test
  void eachVersionRoutesItsOwnSubresources() throws Exception {
    HttpFixture.Res created = http.post("/apis/stable.example.com/v2/namespaces/ns1/crontabs", HttpFixture.json(
        "{'apiVersion':'stable.example.com/v2','kind':'CronTab','metadata':{'name':'c'},'spec':{'replicas':2}}"));
    assertEquals(201, created.code(), created.raw());
    assertEquals(200, http.get("/apis/stable.example.com/v1/namespaces/ns1/crontabs/c/status").code());
    assertStatus(http.get("/apis/stable.example.com/v2/namespaces/ns1/crontabs/c/status"), 404, "NotFound",
        "the server could not find the requested resource");
    assertEquals(2, http.get("/apis/stable.example.com/v2/namespaces/ns1/crontabs/c/scale").body()
        .at("/spec/replicas").asInt(), "v2's scale subresource");
    assertStatus(http.get("/apis/stable.example.com/v1/namespaces/ns1/crontabs/c/scale"), 404, "NotFound",
        "the server could not find the requested resource");
  }

  /**
   * A webhook whose rules name v2 is called for a create in v1 with the object in v2 (matchPolicy Equivalent), and for
   * a patch in v2, which the apiserver applies itself to the object in v2.
   */
  @Test
  void aWebhookOfAnotherVersionSeesTheObjectInItsVersion() throws Exception {
    HttpFixture.Res config = http.post("/apis/" + ADMISSION + "/v1/mutatingwebhookconfigurations", HttpFixture.json(
        "{'apiVersion':'" + ADMISSION + "/v1','kind':'MutatingWebhookConfiguration','metadata':{'name':'v2'},"
        + "'webhooks':[{'name':'v2.dekube.io','sideEffects':'None','admissionReviewVersions':['v1'],"
        + "'clientConfig':{'caBundle':'" + hooks.caBundle() + "','service':{'namespace':'hooks','name':'webhook',"
        + "'path':'/add-label'}},'rules':[{'operations':['*'],'apiGroups':['stable.example.com'],"
        + "'apiVersions':['v2'],'resources':['crontabs']}]}]}"));
    assertEquals(201, config.code(), config.raw());
    HttpFixture.Res created = http.post("/apis/stable.example.com/v1/namespaces/ns1/crontabs", HttpFixture.json(
        "{'apiVersion':'stable.example.com/v1','kind':'CronTab','metadata':{'name':'c'},'spec':{'replicas':2}}"));
    assertEquals(201, created.code(), created.raw());
    assertEquals("yes", created.body().at("/metadata/labels/mutated").asText(), created.raw());
    assertEquals("stable.example.com/v1", created.body().path("apiVersion").asText());
    var review = hooks.requests.get(0).path("request");
    assertEquals("stable.example.com/v2", review.at("/object/apiVersion").asText(), review.toString());
    assertEquals("v2", review.at("/kind/version").asText());
    assertEquals("v1", review.at("/requestKind/version").asText());
    HttpFixture.Res patched = http.patch("/apis/stable.example.com/v2/namespaces/ns1/crontabs/c",
        "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"mutated\":\"no\"}}}");
    assertEquals(200, patched.code(), patched.raw());
    assertEquals("yes", patched.body().at("/metadata/labels/mutated").asText(), "a patch in v2 is admitted too");
    assertEquals("UPDATE", hooks.requests.get(1).at("/request/operation").asText());
    assertEquals("stable.example.com/v2", hooks.requests.get(1).at("/request/oldObject/apiVersion").asText());
  }
}
