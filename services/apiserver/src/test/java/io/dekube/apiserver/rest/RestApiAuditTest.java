package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.audit.AuditHandler;
import io.dekube.apiserver.audit.AuditPolicy;
import io.dekube.apiserver.audit.AuditSink;
import io.dekube.core.auth.UserInfo;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The audit events of REST requests: the objectRef completed from the request's object as kube's create and update
 * handlers complete it ({@code LogRequestObject}: a create's name, the uid and resourceVersion the body carries),
 * after RequestReceived, at the Metadata level too; patches and deletes keep the path's.
 */
class RestApiAuditTest extends RestApiTestBase {

  private final List<ObjectNode> events = Collections.synchronizedList(new ArrayList<>());

  @Override
  protected void installBefore(Router router) {
    AuditSink sink = new AuditSink() {
      @Override
      public void process(ObjectNode event) {
        events.add(event);
      }

      @Override
      public CompletionStage<Boolean> processAndWait(ObjectNode event) {
        events.add(event);
        return CompletableFuture.completedFuture(true);
      }

      @Override
      public boolean strict() {
        return false;
      }
    };
    AuditPolicy policy;
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("audit-policy", ".yaml");
      file.toFile().deleteOnExit();
      policy = AuditPolicy.load(java.nio.file.Files.writeString(file, """
          apiVersion: audit.k8s.io/v1
          kind: Policy
          rules:
          - level: Request
            resources:
            - group: ""
              resources: ["configmaps"]
          - level: Metadata
          """));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    AuditHandler audit = new AuditHandler(policy, sink);
    router.route().handler(audit);
    router.route().handler(ctx -> {
      ctx.put(UserInfo.CONTEXT_KEY, new UserInfo("admin", "", List.of("system:masters")));
      ctx.next();
    });
    router.route().handler(audit.received());
  }

  private io.dekube.core.admission.webhook.AdmissionWebhookServer hooks;

  @Override
  protected RestApi configure(RestApi api) {
    try {
      hooks = new io.dekube.core.admission.webhook.AdmissionWebhookServer();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return api.withWebhooks(new io.dekube.store.admission.webhook.WebhookAdmission(vertx,
        io.dekube.apiserver.admission.webhook.CachedConfigurations.of(backend.cache(admission(
            "validatingwebhookconfigurations"))),
        io.dekube.apiserver.admission.webhook.CachedConfigurations.of(backend.cache(admission(
            "mutatingwebhookconfigurations"))),
        ns -> null, (ns, name, port) -> new io.dekube.store.admission.webhook.ServiceResolver.Endpoint("127.0.0.1",
            hooks.port())));
  }

  @org.junit.jupiter.api.AfterEach
  void closeHooks() throws Exception {
    hooks.close();
  }

  private io.dekube.core.model.ResourceType admission(String plural) {
    return registry.byGroupPlural("admissionregistration.k8s.io", plural).orElseThrow();
  }

  /** A webhook configuration of {@code kind} with one webhook on configmaps and secrets. */
  private void webhook(String kind, String name, String path) throws Exception {
    ObjectNode c = (ObjectNode) io.dekube.core.model.Json.MAPPER.readTree(HttpFixture.json("{'apiVersion':"
        + "'admissionregistration.k8s.io/v1','kind':'" + kind + "','metadata':{'name':'" + name + "'},'webhooks':[{"
        + "'name':'" + name + ".dekube.io','sideEffects':'None','admissionReviewVersions':['v1'],'clientConfig':{"
        + "'caBundle':'" + hooks.caBundle() + "','service':{'namespace':'hooks','name':'webhook','path':'" + path
        + "','port':443}},'rules':[{'operations':['CREATE'],'apiGroups':[''],'apiVersions':['v1'],"
        + "'resources':['configmaps','secrets']}]}]}"));
    backend.create(admission(kind.toLowerCase() + "s"), "", c, io.dekube.core.store.WriteOptions.none())
        .toCompletionStage().toCompletableFuture().get();
  }

  /**
   * kube's audit handler copies admission's annotations into the request's events after RequestReceived: the
   * webhooks' own and the mutating ones' (the patch only at the Request level and above).
   */
  @Test
  void admissionAnnotationsGoIntoTheEventsByTheirLevel() throws Exception {
    webhook("MutatingWebhookConfiguration", "labels", "/add-label");
    webhook("ValidatingWebhookConfiguration", "reviews", "/annotate");
    HttpFixture.Res created = http.post("/api/v1/namespaces/ns/configmaps", HttpFixture.json("{'apiVersion':'v1',"
        + "'kind':'ConfigMap','metadata':{'name':'settings','namespace':'ns'}}"));
    assertEquals(201, created.code(), created.raw());
    refs(0);
    assertEquals(null, events.get(0).get("annotations"));
    JsonNode annotations = events.get(1).get("annotations");
    assertEquals("Request", events.get(1).path("level").asText());
    assertEquals("dekube <bot>", annotations.path("reviews.dekube.io/reviewed-by").asText(), annotations.toString());
    assertEquals("{\"configuration\":\"labels\",\"webhook\":\"labels.dekube.io\",\"mutated\":true}",
        annotations.path("mutation.webhook.admission.k8s.io/round_0_index_0").asText());
    assertEquals("{\"configuration\":\"labels\",\"webhook\":\"labels.dekube.io\",\"patch\":[{\"op\":\"add\","
        + "\"path\":\"/metadata/labels\",\"value\":{}},{\"op\":\"add\",\"path\":\"/metadata/labels/mutated\","
        + "\"value\":\"yes\"}],\"patchType\":\"JSONPatch\"}",
        annotations.path("patch.webhook.admission.k8s.io/round_0_index_0").asText());

    int at = events.size();
    assertEquals(201, http.post("/api/v1/namespaces/ns/secrets", HttpFixture.json("{'apiVersion':'v1',"
        + "'kind':'Secret','metadata':{'name':'token','namespace':'ns'}}")).code());
    refs(at);
    JsonNode metadata = events.get(at + 1).get("annotations");
    assertEquals("Metadata", events.get(at + 1).path("level").asText());
    assertEquals(true, metadata.has("mutation.webhook.admission.k8s.io/round_0_index_0"), metadata.toString());
    assertEquals(false, metadata.has("patch.webhook.admission.k8s.io/round_0_index_0"), metadata.toString());
  }

  /** The objectRefs of the request's RequestReceived and ResponseComplete events. */
  private List<JsonNode> refs(int before) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= before + 2);
    assertEquals("RequestReceived", events.get(before).path("stage").asText());
    assertEquals("ResponseComplete", events.get(before + 1).path("stage").asText());
    return List.of(events.get(before).get("objectRef"), events.get(before + 1).get("objectRef"));
  }

  @Test
  void createsAndUpdatesCompleteTheObjectRefFromTheirObject() throws Exception {
    assertEquals(201, http.post("/api/v1/namespaces/ns/pods", pod("ns", "web", "")).code());
    List<JsonNode> create = refs(0);
    assertEquals("{\"resource\":\"pods\",\"namespace\":\"ns\",\"apiVersion\":\"v1\"}", create.get(0).toString());
    assertEquals("{\"resource\":\"pods\",\"namespace\":\"ns\",\"name\":\"web\",\"apiVersion\":\"v1\"}",
        create.get(1).toString());

    ObjectNode stored = http.get("/api/v1/namespaces/ns/pods/web").body();
    String uid = stored.path("metadata").path("uid").asText();
    String rv = stored.path("metadata").path("resourceVersion").asText();
    stored.with("metadata").with("labels").put("app", "web");
    int at = events.size();
    assertEquals(200, http.put("/api/v1/namespaces/ns/pods/web", stored.toString()).code());
    List<JsonNode> update = refs(at);
    assertEquals("{\"resource\":\"pods\",\"namespace\":\"ns\",\"name\":\"web\",\"apiVersion\":\"v1\"}",
        update.get(0).toString());
    assertEquals("{\"resource\":\"pods\",\"namespace\":\"ns\",\"name\":\"web\",\"uid\":\"" + uid
        + "\",\"apiVersion\":\"v1\",\"resourceVersion\":\"" + rv + "\"}", update.get(1).toString());

    // a patch is recorded as sent (LogRequestPatch): its metadata completes nothing
    at = events.size();
    assertEquals(200, http.patch("/api/v1/namespaces/ns/pods/web", "application/merge-patch+json",
        "{\"metadata\":{\"uid\":\"" + uid + "\",\"labels\":{\"tier\":\"front\"}}}").code());
    assertEquals("{\"resource\":\"pods\",\"namespace\":\"ns\",\"name\":\"web\",\"apiVersion\":\"v1\"}",
        refs(at).get(1).toString());

    // a cluster-scoped create with generateName: no name to give
    at = events.size();
    assertEquals(201, http.post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
        + "\"metadata\":{\"generateName\":\"team-\"}}").code());
    assertEquals("{\"resource\":\"namespaces\",\"apiVersion\":\"v1\"}", refs(at).get(1).toString());
  }
}
