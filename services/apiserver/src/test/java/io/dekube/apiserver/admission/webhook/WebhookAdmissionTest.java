package io.dekube.apiserver.admission.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.rest.backend.MemoryBackend;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import io.dekube.store.admission.webhook.ConfigurationSource;
import io.dekube.store.admission.webhook.EquivalentVersions;
import io.dekube.store.admission.webhook.ValidatingPolicies;
import io.dekube.store.cel.CelAuthorizer;
import io.dekube.store.admission.webhook.ServiceResolver;
import io.dekube.store.admission.webhook.WebhookAdmission;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatch of {@link WebhookAdmission} against a real HTTPS webhook server: mutating webhooks in
 * configuration-name order, an {@code IfNeeded} one called again after a later one changed the
 * object (and not with {@code Never}), dry runs kept from webhooks with side effects, a {@code *}
 * resource that leaves subresources out, kinds no rule names, the exemption of the configurations
 * themselves, and the AdmissionReview version a webhook asks for.
 */
class WebhookAdmissionTest {

  private final ResourceRegistry registry = ResourceRegistry.builtIn();
  private final ResourceType configMaps = registry.byResourceName("configmaps").orElseThrow();
  private final ResourceType pods = registry.byResourceName("pods").orElseThrow();
  private Vertx vertx;
  private AdmissionWebhookServer server;
  private MemoryBackend backend;
  private WebhookAdmission admission;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = new AdmissionWebhookServer();
    backend = new MemoryBackend(100);
    ResourceType validating = registry.byGroupPlural("admissionregistration.k8s.io", "validatingwebhookconfigurations")
        .orElseThrow();
    ResourceType mutating = registry.byGroupPlural("admissionregistration.k8s.io", "mutatingwebhookconfigurations")
        .orElseThrow();
    admission = new WebhookAdmission(vertx, source(backend.cache(validating)), source(backend.cache(mutating)), ns -> null,
        (ns, name, port) -> new ServiceResolver.Endpoint("127.0.0.1", server.port()));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void anIfNeededWebhookIsCalledAgainAfterALaterOneChangedTheObject() throws Exception {
    mutating("a-first", "label.dekube.io", "/add-label", "IfNeeded", "None", "configmaps");
    mutating("b-second", "tier.dekube.io", "/add-tier", "Never", "None", "configmaps");
    WebhookAdmission.Admitted admitted = await(admission.admit(create(configMaps, configMap(), false)));
    assertEquals("yes", admitted.object().at("/metadata/labels/mutated").asText(), admitted.object().toString());
    assertEquals("gold", admitted.object().at("/metadata/labels/tier").asText(), admitted.object().toString());
    assertEquals(List.of("/add-label", "/add-tier", "/add-label"), server.paths);
  }

  @Test
  void aNeverWebhookIsCalledOnce() throws Exception {
    mutating("a-first", "label.dekube.io", "/add-label", "Never", "None", "configmaps");
    mutating("b-second", "tier.dekube.io", "/add-tier", "Never", "None", "configmaps");
    await(admission.admit(create(configMaps, configMap(), false)));
    assertEquals(List.of("/add-label", "/add-tier"), server.paths);
    // writes of kinds no rule names skip admission (and the reads it needs) altogether
    assertTrue(admission.mayApply(configMaps));
    assertTrue(!admission.mayApply(pods));
  }

  @Test
  void aWebhookOfV1beta1GetsAndAnswersV1beta1() throws Exception {
    mutating("old", "old.dekube.io", "/add-label", "Never", "None", "configmaps", "v1beta1");
    WebhookAdmission.Admitted admitted = await(admission.admit(create(configMaps, configMap(), false)));
    assertEquals("admission.k8s.io/v1beta1", server.requests.get(0).path("apiVersion").asText());
    assertEquals("yes", admitted.object().at("/metadata/labels/mutated").asText(), admitted.object().toString());
  }

  @Test
  void aDryRunNeverReachesAWebhookWithSideEffects() throws Exception {
    mutating("effects", "effects.dekube.io", "/add-label", "Never", "Some", "configmaps");
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(admission.admit(create(configMaps, configMap(), true))));
    StatusException s = assertInstanceOf(StatusException.class, e.getCause());
    assertEquals(400, s.code());
    assertEquals("admission webhook \"effects.dekube.io\" does not support dry run", s.getMessage());
    assertTrue(server.paths.isEmpty());
  }

  @Test
  void aStarResourceLeavesSubresourcesOutAndConfigurationsAreExempt() throws Exception {
    mutating("everything", "all.dekube.io", "/add-label", "Never", "None", "*");
    ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", "p").put("namespace", "default");
    AdmissionAttributes status = new AdmissionAttributes(AdmissionAttributes.UPDATE, pods, "v1", "status", "default",
        "p", pod, pod, false, null, UserInfo.anonymous());
    assertEquals(pod, await(admission.admit(status)).object());
    ResourceType configs = registry.byGroupPlural("admissionregistration.k8s.io", "mutatingwebhookconfigurations")
        .orElseThrow();
    assertTrue(!admission.mayApply(configs));
    assertTrue(server.paths.isEmpty());
    await(admission.admit(create(pods, pod, false)));
    assertEquals(List.of("/add-label"), server.paths);
  }

  @Test
  void theRulesAloneTellWhichBusWritesNeedTheWebhooks() throws Exception {
    mutating("pods", "pods.dekube.io", "/add-label", "Never", "None", "pods");
    assertTrue(admission.mayApply(pods, AdmissionAttributes.CREATE, ""));
    assertTrue(admission.mayApply(pods, AdmissionAttributes.DELETE, ""));
    assertTrue(!admission.mayApply(pods, AdmissionAttributes.UPDATE, "status"));
    assertTrue(!admission.mayApply(pods, AdmissionAttributes.CREATE, "binding"));
    assertTrue(!admission.mayApply(configMaps, AdmissionAttributes.CREATE, ""));
  }

  /**
   * kube's matchPolicy Equivalent for a CRD: a webhook whose rules name only v2 is called for a write in v1 with the
   * object converted to v2 (by the CRD's conversion webhook here), its review naming v2 as kind and v1 as requestKind,
   * and its patch, made in v2, is converted back.
   */
  @Test
  void aCustomResourceReachesAWebhookInTheVersionItsRulesMatched() throws Exception {
    registry.serve(io.dekube.core.crd.CronTabs.webhookConverted("v2", "https://127.0.0.1:1/convert", null));
    ResourceType cronTabs = registry.byResourceName("crontabs.stable.example.com").orElseThrow();
    List<String> conversions = new java.util.concurrent.CopyOnWriteArrayList<>();
    EquivalentVersions versions = EquivalentVersions.of(registry).withWebhooks((kind, object, apiVersion) -> {
      conversions.add(object.path("apiVersion").asText() + " -> " + apiVersion);
      ObjectNode spec = (ObjectNode) object.path("spec");
      boolean toV2 = apiVersion.endsWith("/v2");
      spec.set(toV2 ? "cronSpec" : "schedule", spec.remove(toV2 ? "schedule" : "cronSpec"));
      return Future.succeededFuture(object.put("apiVersion", apiVersion));
    });
    ResourceType mutatingType = registry.byGroupPlural("admissionregistration.k8s.io", "mutatingwebhookconfigurations")
        .orElseThrow();
    admission = new WebhookAdmission(vertx, source(backend.cache(registry.byGroupPlural("admissionregistration.k8s.io",
        "validatingwebhookconfigurations").orElseThrow())), source(backend.cache(mutatingType)), ns -> null,
        (ns, name, port) -> new ServiceResolver.Endpoint("127.0.0.1", server.port()), ValidatingPolicies.NONE,
        CelAuthorizer.NONE, (type, verb, n, o) -> n, versions);
    mutating("v2-only", "v2.dekube.io", "/add-label", "Never", "None", "crontabs");
    ObjectNode c = (ObjectNode) backend.cache(mutatingType).get("", "v2-only").deepCopy();
    ((ObjectNode) c.at("/webhooks/0/rules/0")).putArray("apiVersions").add("v2");
    await(backend.update(mutatingType, c, WriteOptions.none()));
    ObjectNode cronTab = Json.object().put("apiVersion", "stable.example.com/v1").put("kind", "CronTab");
    cronTab.putObject("metadata").put("name", "c").put("namespace", "default");
    cronTab.putObject("spec").put("schedule", "* * * * */5");

    WebhookAdmission.Admitted admitted = await(admission.admit(create(cronTabs, cronTab, false)));

    var request = server.requests.get(0).path("request");
    assertEquals("v2", request.at("/kind/version").asText(), request.toString());
    assertEquals("v2", request.at("/resource/version").asText());
    assertEquals("v1", request.at("/requestKind/version").asText());
    assertEquals("stable.example.com/v2", request.at("/object/apiVersion").asText());
    assertEquals("* * * * */5", request.at("/object/spec/cronSpec").asText(), "converted by the CRD's webhook");
    assertEquals("stable.example.com/v1", admitted.object().path("apiVersion").asText(), "converted back");
    assertEquals("* * * * */5", admitted.object().at("/spec/schedule").asText());
    assertEquals("yes", admitted.object().at("/metadata/labels/mutated").asText(), "the v2 patch kept");
    assertEquals(List.of("stable.example.com/v1 -> stable.example.com/v2",
        "stable.example.com/v2 -> stable.example.com/v1"), conversions);
    ObjectNode v1 = (ObjectNode) backend.cache(mutatingType).get("", "v2-only").deepCopy();
    ((ObjectNode) v1.at("/webhooks/0/rules/0")).putArray("apiVersions").add("v1");
    await(backend.update(mutatingType, v1, WriteOptions.none()));
    await(admission.admit(create(cronTabs, cronTab, false)));
    assertEquals("stable.example.com/v1", server.requests.get(1).at("/request/object/apiVersion").asText(),
        "a webhook of the storage version gets it as it is");
    assertEquals(2, conversions.size());
  }

  /**
   * kube's decoder defaults an object before any admission plugin runs, so a mutating webhook sees a Deployment that
   * left them out with its replicas, strategy and pod template defaults, and the patched object is defaulted again.
   */
  @Test
  void aMutatingWebhookSeesTheObjectWithItsDefaults() throws Exception {
    ResourceType deployments = registry.byGroupPlural("apps", "deployments").orElseThrow();
    admission = new WebhookAdmission(vertx, source(backend.cache(registry.byGroupPlural("admissionregistration.k8s.io",
        "validatingwebhookconfigurations").orElseThrow())), source(backend.cache(registry.byGroupPlural(
        "admissionregistration.k8s.io", "mutatingwebhookconfigurations").orElseThrow())), ns -> null,
        (ns, name, port) -> new ServiceResolver.Endpoint("127.0.0.1", server.port()), ValidatingPolicies.NONE,
        CelAuthorizer.NONE, io.dekube.store.admission.CustomResourceAdmission.chain(registry));
    mutating("defaults", "defaults.dekube.io", "/add-label", "Never", "None", "deployments");
    ObjectNode d = Json.object().put("apiVersion", "apps/v1").put("kind", "Deployment");
    d.putObject("metadata").put("name", "web").put("namespace", "default");
    ObjectNode spec = d.putObject("spec");
    spec.putObject("selector").putObject("matchLabels").put("app", "web");
    ObjectNode template = spec.putObject("template");
    template.putObject("metadata").putObject("labels").put("app", "web");
    template.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", "dekube/web");

    WebhookAdmission.Admitted admitted = await(admission.admit(create(deployments, d, false)));

    var seen = server.requests.get(0).path("request").path("object");
    assertEquals(1, seen.at("/spec/replicas").asInt(-1), seen.toString());
    assertEquals("RollingUpdate", seen.at("/spec/strategy/type").asText(), seen.toString());
    assertEquals(10, seen.at("/spec/revisionHistoryLimit").asInt(-1), seen.toString());
    assertEquals("Always", seen.at("/spec/template/spec/restartPolicy").asText(), seen.toString());
    assertEquals("/dev/termination-log", seen.at("/spec/template/spec/containers/0/terminationMessagePath").asText());
    assertEquals("yes", admitted.object().at("/metadata/labels/mutated").asText());
    assertEquals(1, admitted.object().at("/spec/replicas").asInt(-1));
  }

  /**
   * kube's RetryGenerateName: a create whose generated name was taken by the time it was written is validated again
   * with another name (the validating webhooks see it; the mutating ones are not called again) and written with it.
   */
  @Test
  void aGeneratedNameTakenMeanwhileIsValidatedAgainWithAnother() throws Exception {
    mutating("labels", "label.dekube.io", "/add-label", "Never", "None", "configmaps");
    ObjectNode v = Json.object().put("apiVersion", "admissionregistration.k8s.io/v1")
        .put("kind", "ValidatingWebhookConfiguration");
    v.putObject("metadata").put("name", "names");
    ObjectNode hook = v.putArray("webhooks").addObject().put("name", "names.dekube.io").put("sideEffects", "None")
        .put("failurePolicy", "Fail");
    hook.putObject("clientConfig").put("caBundle", server.caBundle()).putObject("service")
        .put("namespace", "hooks").put("name", "webhook").put("path", "/allow").put("port", 443);
    ObjectNode rule = hook.putArray("rules").addObject();
    rule.putArray("operations").add("CREATE");
    rule.putArray("apiGroups").add("");
    rule.putArray("apiVersions").add("v1");
    rule.putArray("resources").add("configmaps");
    hook.putArray("admissionReviewVersions").add("v1");
    await(backend.create(registry.byGroupPlural("admissionregistration.k8s.io", "validatingwebhookconfigurations")
        .orElseThrow(), "", v, WriteOptions.none()));
    ObjectNode cm = configMap();
    ((ObjectNode) cm.get("metadata")).remove("name");
    ((ObjectNode) cm.get("metadata")).put("generateName", "settings-");
    List<String> written = new java.util.concurrent.CopyOnWriteArrayList<>();

    ObjectNode stored = await(admission.create(create(configMaps, cm, false), admitted -> {
      written.add(admitted.serverFields().name());
      if (written.size() == 1) {
        return Future.failedFuture(new StatusException(409, "AlreadyExists", "configmaps \"" + admitted.serverFields()
            .name() + "\" already exists, the server was not able to generate a unique name for the object"));
      }
      return Future.succeededFuture(admitted.object());
    }));

    assertEquals(2, written.size(), written.toString());
    assertTrue(written.get(1).startsWith("settings-") && !written.get(1).equals(written.get(0)), written.toString());
    assertEquals(List.of("/add-label", "/allow", "/allow"), server.paths, "the mutating webhook is called once");
    assertEquals(written.get(0), server.requests.get(1).at("/request/name").asText());
    assertEquals(written.get(1), server.requests.get(2).at("/request/name").asText());
    assertEquals(written.get(1), server.requests.get(2).at("/request/object/metadata/name").asText());
    assertEquals("yes", stored.at("/metadata/labels/mutated").asText());
  }

  /**
   * kube's dispatcher: a JSON patch that does not apply is the apiserver's 500 whatever the failurePolicy (only a
   * failed call fails open), and so is a patch answered for a delete, which has no object to patch.
   */
  @Test
  void aPatchThatDoesNotApplyIsAnInternalErrorEvenUnderIgnore() throws Exception {
    mutating("bad", "bad-patch.dekube.io", "/bad-patch", "Never", "None", "configmaps", "v1", "Ignore");
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> await(admission.admit(create(configMaps, configMap(), false))));
    StatusException s = assertInstanceOf(StatusException.class, e.getCause());
    assertEquals(500, s.code());
    assertEquals("InternalError", s.reason());
    assertEquals("Internal error occurred: replace operation does not apply: doc is missing path: /spec/missing/deeper: "
        + "missing value", s.getMessage());

    ObjectNode cm = configMap();
    AdmissionAttributes delete = new AdmissionAttributes(AdmissionAttributes.DELETE, configMaps, "v1", "", "default",
        cm.at("/metadata/name").asText(), null, cm, false, null, UserInfo.anonymous());
    e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> await(admission.admit(delete)));
    s = assertInstanceOf(StatusException.class, e.getCause());
    assertEquals(500, s.code());
    assertEquals("Internal error occurred: admission webhook \"bad-patch.dekube.io\" attempted to modify the object, "
        + "which is not supported for this operation", s.getMessage());
    assertEquals(List.of("/bad-patch", "/bad-patch"), server.paths);
  }

  private void mutating(String config, String name, String path, String reinvocation, String sideEffects,
                        String resource) throws Exception {
    mutating(config, name, path, reinvocation, sideEffects, resource, "v1");
  }

  private void mutating(String config, String name, String path, String reinvocation, String sideEffects,
                        String resource, String reviewVersion) throws Exception {
    mutating(config, name, path, reinvocation, sideEffects, resource, reviewVersion, "Fail");
  }

  private void mutating(String config, String name, String path, String reinvocation, String sideEffects,
                        String resource, String reviewVersion, String failurePolicy) throws Exception {
    ObjectNode c = Json.object().put("apiVersion", "admissionregistration.k8s.io/v1")
        .put("kind", "MutatingWebhookConfiguration");
    c.putObject("metadata").put("name", config);
    ObjectNode hook = c.putArray("webhooks").addObject().put("name", name).put("sideEffects", sideEffects)
        .put("reinvocationPolicy", reinvocation).put("failurePolicy", failurePolicy);
    hook.putObject("clientConfig").put("caBundle", server.caBundle()).putObject("service")
        .put("namespace", "hooks").put("name", "webhook").put("path", path).put("port", 443);
    ObjectNode rule = hook.putArray("rules").addObject();
    rule.putArray("operations").add("*");
    rule.putArray("apiGroups").add("*");
    rule.putArray("apiVersions").add("*");
    rule.putArray("resources").add(resource);
    hook.putArray("admissionReviewVersions").add("v2").add(reviewVersion);
    ResourceType t = registry.byGroupPlural("admissionregistration.k8s.io", "mutatingwebhookconfigurations")
        .orElseThrow();
    await(backend.create(t, "", c, WriteOptions.none()));
  }

  private static ObjectNode configMap() {
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", "settings").put("namespace", "default");
    cm.putObject("data").put("a", "b");
    return cm;
  }

  private static AdmissionAttributes create(ResourceType t, ObjectNode obj, boolean dryRun) {
    return new AdmissionAttributes(AdmissionAttributes.CREATE, t, t.apiVersion(), "", "default",
        obj.at("/metadata/name").asText(), obj, null, dryRun, null, UserInfo.anonymous());
  }

  /** The configurations of a memory backend's cache. */
  private static ConfigurationSource source(ObjectCache cache) {
    return CachedConfigurations.of(cache);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
