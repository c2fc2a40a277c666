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

  private void mutating(String config, String name, String path, String reinvocation, String sideEffects,
                        String resource) throws Exception {
    mutating(config, name, path, reinvocation, sideEffects, resource, "v1");
  }

  private void mutating(String config, String name, String path, String reinvocation, String sideEffects,
                        String resource, String reviewVersion) throws Exception {
    ObjectNode c = Json.object().put("apiVersion", "admissionregistration.k8s.io/v1")
        .put("kind", "MutatingWebhookConfiguration");
    c.putObject("metadata").put("name", config);
    ObjectNode hook = c.putArray("webhooks").addObject().put("name", name).put("sideEffects", sideEffects)
        .put("reinvocationPolicy", reinvocation).put("failurePolicy", "Fail");
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
    return new ConfigurationSource() {
      @Override
      public Future<Void> start() {
        return cache.start();
      }

      @Override
      public long resourceVersion() {
        return cache.resourceVersion();
      }

      @Override
      public List<ObjectNode> items() {
        return cache.snapshot(o -> true).items();
      }
    };
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
