package io.dekube.apiserver.admission.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.MemoryBackend;
import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.dekube.store.admission.webhook.AuditAnnotations;
import io.dekube.store.admission.webhook.ServiceResolver;
import io.dekube.store.admission.webhook.WebhookAdmission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit annotations the webhook dispatchers add to a request, as kube-apiserver 1.32's: a webhook's own
 * {@code auditAnnotations} under its name (a malformed key dropped, a denial's kept), kube's {@code webhookAnnotator}
 * for each mutating webhook called ({@code mutation.} for every level, {@code patch.} only for Request and above; round
 * 1 for a reinvocation; the index among all the mutating webhooks), and {@code failed-open.} for calls let pass.
 */
class WebhookAuditAnnotationsTest {

  private static final String GROUP = "admissionregistration.k8s.io";

  private final ResourceRegistry registry = ResourceRegistry.builtIn();
  private final ResourceType configMaps = registry.byResourceName("configmaps").orElseThrow();
  private Vertx vertx;
  private AdmissionWebhookServer server;
  private MemoryBackend backend;
  private WebhookAdmission admission;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = new AdmissionWebhookServer();
    backend = new MemoryBackend(100);
    admission = new WebhookAdmission(vertx, configurations("validatingwebhookconfigurations"),
        configurations("mutatingwebhookconfigurations"), ns -> null,
        (ns, name, port) -> new ServiceResolver.Endpoint("127.0.0.1", server.port()));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void theDispatchersAnnotateEachCallAsKubesWebhookAnnotator() throws Exception {
    configuration("mutatingwebhookconfigurations", "a-first", hook("label.dekube.io", "/add-label", "Fail", "IfNeeded"));
    configuration("mutatingwebhookconfigurations", "b-second", hook("tier.dekube.io", "/add-tier", "Fail", "Never"),
        hook("broken.dekube.io", "/bad-answer", "Ignore", "Never"));
    configuration("validatingwebhookconfigurations", "checks", hook("annotate.dekube.io", "/annotate", "Fail", null),
        hook("broken-v.dekube.io", "/bad-answer", "Ignore", null));
    AuditAnnotations kept = AuditAnnotations.collecting();

    await(admission.admit(create(configMap()).withAnnotations(kept)));

    String first = "{\"configuration\":\"a-first\",\"webhook\":\"label.dekube.io\"";
    String second = "{\"configuration\":\"b-second\",\"webhook\":\"tier.dekube.io\"";
    Map<String, String> metadata = new TreeMap<>(Map.of(
        "mutation.webhook.admission.k8s.io/round_0_index_0", first + ",\"mutated\":true}",
        "mutation.webhook.admission.k8s.io/round_0_index_1", second + ",\"mutated\":true}",
        "mutation.webhook.admission.k8s.io/round_0_index_2",
        "{\"configuration\":\"b-second\",\"webhook\":\"broken.dekube.io\",\"mutated\":false}",
        "failed-open.mutation.webhook.admission.k8s.io/round_0_index_2", "broken.dekube.io",
        // the IfNeeded webhook again after the second changed the object: its patch changes nothing now
        "mutation.webhook.admission.k8s.io/round_1_index_0", first + ",\"mutated\":false}",
        "annotate.dekube.io/reviewed-by", "dekube <bot>",
        "failed-open.validating.webhook.admission.k8s.io/round_0_index_1", "broken-v.dekube.io"));
    assertEquals(metadata, new TreeMap<>(kept.visible(false)));
    Map<String, String> request = new TreeMap<>(metadata);
    request.put("patch.webhook.admission.k8s.io/round_0_index_0", first + ",\"patch\":[{\"op\":\"add\","
        + "\"path\":\"/metadata/labels\",\"value\":{}},{\"op\":\"add\",\"path\":\"/metadata/labels/mutated\","
        + "\"value\":\"yes\"}],\"patchType\":\"JSONPatch\"}");
    request.put("patch.webhook.admission.k8s.io/round_0_index_1", second + ",\"patch\":[{\"op\":\"add\","
        + "\"path\":\"/metadata/labels/tier\",\"value\":\"gold\"}],\"patchType\":\"JSONPatch\"}");
    request.put("patch.webhook.admission.k8s.io/round_1_index_0", first + ",\"patch\":[{\"op\":\"add\","
        + "\"path\":\"/metadata/labels/mutated\",\"value\":\"yes\"}],\"patchType\":\"JSONPatch\"}");
    assertEquals(request, new TreeMap<>(kept.visible(true)));
  }

  @Test
  void aDenyingWebhooksAnnotationsAreKeptAndUnauditedRequestsKeepNone() throws Exception {
    configuration("validatingwebhookconfigurations", "checks", hook("deny.dekube.io", "/annotate-deny", "Fail", null));
    AuditAnnotations kept = AuditAnnotations.collecting();
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> await(admission.admit(create(configMap()).withAnnotations(kept))));
    assertEquals("admission webhook \"deny.dekube.io\" denied the request: no", e.getCause().getMessage());
    assertEquals(Map.of("deny.dekube.io/verdict", "denied"), kept.visible(true));

    assertThrows(ExecutionException.class, () -> await(admission.admit(create(configMap()))));
    assertEquals(Map.of(), AuditAnnotations.NONE.visible(true));
  }

  /**
   * A bus component's write is audited as kube-apiserver audits the request it stands for, with the annotations its
   * admission added ({@code AuditedStore} over the component's {@code AdmittingStore}).
   */
  @Test
  void aBusComponentsWriteIsAuditedWithItsAdmissionAnnotations() throws Exception {
    configuration("mutatingwebhookconfigurations", "a-first", hook("label.dekube.io", "/add-label", "Fail", "Never"));
    configuration("validatingwebhookconfigurations", "checks", hook("annotate.dekube.io", "/annotate", "Fail", null));
    java.util.List<ObjectNode> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    io.dekube.apiserver.audit.AuditSink sink = new io.dekube.apiserver.audit.AuditSink() {
      @Override
      public void process(ObjectNode event) {
        events.add(event);
      }

      @Override
      public java.util.concurrent.CompletionStage<Boolean> processAndWait(ObjectNode event) {
        events.add(event);
        return java.util.concurrent.CompletableFuture.completedFuture(true);
      }

      @Override
      public boolean strict() {
        return false;
      }
    };
    java.nio.file.Path file = java.nio.file.Files.createTempFile("audit-policy", ".yaml");
    java.nio.file.Files.writeString(file, "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n");
    io.dekube.core.store.InMemoryStore backing = new io.dekube.core.store.InMemoryStore();
    io.dekube.core.auth.UserInfo controller = io.dekube.core.auth.SystemUsers.serviceAccount("kube-system",
        "replicaset-controller");
    io.dekube.core.store.StoreApi store = io.dekube.apiserver.audit.BusAudit.wrap(
        io.dekube.apiserver.audit.AuditPolicy.load(file), sink,
        user -> new io.dekube.store.admission.webhook.AdmittingStore(vertx, backing, admission, t -> null, user))
        .apply(controller);
    java.nio.file.Files.delete(file);

    await(store.create(backing.type("configmaps"), "default", configMap(), WriteOptions.none()));

    assertEquals(2, events.size(), events.toString());
    assertEquals(null, events.get(0).get("annotations"), "none at RequestReceived");
    Map<String, String> annotations = new TreeMap<>(Json.MAPPER.convertValue(events.get(1).get("annotations"),
        new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { }));
    assertEquals(new TreeMap<>(Map.of("annotate.dekube.io/reviewed-by", "dekube <bot>",
        "authorization.k8s.io/decision", "allow",
        "authorization.k8s.io/reason", "dekube: written on the bus, which does not authorize",
        "mutation.webhook.admission.k8s.io/round_0_index_0",
        "{\"configuration\":\"a-first\",\"webhook\":\"label.dekube.io\",\"mutated\":true}")), annotations);
  }

  private static ObjectNode hook(String name, String path, String failurePolicy, String reinvocation) {
    ObjectNode hook = Json.object().put("name", name).put("sideEffects", "None").put("failurePolicy", failurePolicy);
    if (reinvocation != null) {
      hook.put("reinvocationPolicy", reinvocation);
    }
    hook.putObject("clientConfig").putObject("service").put("namespace", "hooks").put("name", "webhook")
        .put("path", path).put("port", 443);
    ObjectNode rule = hook.putArray("rules").addObject();
    rule.putArray("operations").add("*");
    rule.putArray("apiGroups").add("");
    rule.putArray("apiVersions").add("v1");
    rule.putArray("resources").add("configmaps");
    hook.putArray("admissionReviewVersions").add("v1");
    return hook;
  }

  private void configuration(String plural, String name, ObjectNode... hooks) throws Exception {
    ObjectNode c = Json.object().put("apiVersion", GROUP + "/v1")
        .put("kind", plural.startsWith("mutating") ? "MutatingWebhookConfiguration" : "ValidatingWebhookConfiguration");
    c.putObject("metadata").put("name", name);
    for (ObjectNode h : hooks) {
      ((ObjectNode) h.get("clientConfig")).put("caBundle", server.caBundle());
      c.withArray("webhooks").add(h);
    }
    await(backend.create(registry.byGroupPlural(GROUP, plural).orElseThrow(), "", c, WriteOptions.none()));
  }

  private io.dekube.store.admission.webhook.ConfigurationSource configurations(String plural) {
    return CachedConfigurations.of(backend.cache(registry.byGroupPlural(GROUP, plural).orElseThrow()));
  }

  private static ObjectNode configMap() {
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", "settings").put("namespace", "default");
    return cm;
  }

  private AdmissionAttributes create(ObjectNode obj) {
    return new AdmissionAttributes(AdmissionAttributes.CREATE, configMaps, "v1", "", "default", "settings", obj, null,
        false, null, UserInfo.anonymous());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
