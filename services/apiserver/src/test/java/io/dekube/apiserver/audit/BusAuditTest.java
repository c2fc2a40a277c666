package io.dekube.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.SystemUsers;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.InMemoryStore;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The writes of the bus components in the audit log as kube-apiserver records kube's components' requests: a
 * controller's create, the scheduler's binding, a kubelet's status patch, a delete, a failure; the policy's users,
 * namespaces, levels and omitStages; a blocking-strict backend that cannot store.
 */
class BusAuditTest {

  private static final UserInfo RS_CONTROLLER = SystemUsers.serviceAccount("kube-system", "replicaset-controller");
  private static final String BASE = ComponentAgents.base(io.dekube.apiserver.endpoints.VersionEndpoint.document());

  private final InMemoryStore backing = new InMemoryStore();
  private final ResourceType pods = backing.type("pods");
  private final List<ObjectNode> events = Collections.synchronizedList(new ArrayList<>());

  /** A sink that keeps the events; a strict one answers {@code stores} for RequestReceived. */
  private AuditSink sink(boolean strict, boolean stores) {
    return new AuditSink() {
      @Override
      public void process(ObjectNode event) {
        events.add(event);
      }

      @Override
      public CompletionStage<Boolean> processAndWait(ObjectNode event) {
        if (stores) {
          events.add(event);
        }
        return CompletableFuture.supplyAsync(() -> stores);
      }

      @Override
      public boolean strict() {
        return strict;
      }
    };
  }

  private StoreApi store(String policy, UserInfo user, AuditSink sink) throws Exception {
    Function<UserInfo, StoreApi> stores = BusAudit.wrap(AuditPolicy.parse(Json.YAML.readTree(policy)), sink,
        u -> backing);
    return stores.apply(user);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get();
  }

  private static ObjectNode pod(String name) {
    ObjectNode p = Json.object().put("apiVersion", "v1").put("kind", "Pod");
    p.putObject("metadata").put("name", name).put("namespace", "web");
    p.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "nginx");
    return p;
  }

  @Test
  void aControllersCreateIsTheRequestKubesControllerWouldHaveSent() throws Exception {
    StoreApi store = store("""
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: Metadata
        """, RS_CONTROLLER, sink(false, false));
    ObjectNode created = await(store.create(pods, "web", pod("web-1"), WriteOptions.none()));
    assertEquals(2, events.size());
    ObjectNode received = events.get(0);
    ObjectNode complete = events.get(1);
    assertEquals("RequestReceived", received.get("stage").asText());
    assertEquals("ResponseComplete", complete.get("stage").asText());
    assertEquals(received.get("auditID"), complete.get("auditID"));
    for (ObjectNode e : events) {
      assertEquals("Metadata", e.get("level").asText());
      assertEquals("/api/v1/namespaces/web/pods", e.get("requestURI").asText());
      assertEquals("create", e.get("verb").asText());
      assertEquals(Json.MAPPER.readTree("""
          {"username":"system:serviceaccount:kube-system:replicaset-controller",
           "groups":["system:serviceaccounts","system:serviceaccounts:kube-system","system:authenticated"]}"""),
          e.get("user"));
      assertEquals("[\"127.0.0.1\"]", e.get("sourceIPs").toString());
      assertEquals("kube-controller-manager" + BASE + "/system:serviceaccount:kube-system:replicaset-controller",
          e.get("userAgent").asText());
      assertFalse(e.has("requestObject"));
      assertFalse(e.has("responseObject"));
    }
    assertEquals("{\"resource\":\"pods\",\"namespace\":\"web\",\"name\":\"web-1\",\"apiVersion\":\"v1\"}",
        received.get("objectRef").toString());
    assertFalse(received.has("responseStatus"));
    assertFalse(received.has("annotations"));
    assertEquals("{\"metadata\":{},\"code\":201}", complete.get("responseStatus").toString());
    assertEquals("{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\""
        + AuditEvents.BUS_REASON + "\"}", complete.get("annotations").toString());
    assertTrue(created.path("metadata").has("uid"));
    List<String> fields = new ArrayList<>();
    complete.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("kind", "apiVersion", "level", "auditID", "stage", "requestURI", "verb", "user", "sourceIPs",
        "userAgent", "objectRef", "responseStatus", "requestReceivedTimestamp", "stageTimestamp", "annotations"), fields);
  }

  @Test
  void theSchedulersBindingIsACreateOfPodsBindingWithItsBindingAndStatus() throws Exception {
    ObjectNode stored = backing.put(pods, pod("web-1"));
    String uid = stored.path("metadata").path("uid").asText();
    StoreApi store = store("""
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: RequestResponse
          users: [system:kube-scheduler]
          resources: [{group: "", resources: [pods/binding]}]
        """, SystemUsers.KUBE_SCHEDULER, sink(false, false));
    ObjectNode patch = Json.object();
    patch.putObject("spec").put("nodeName", "kube-node-02");
    await(store.patch(pods, "web", "web-1", Patches.MERGE, patch, WriteOptions.none().withUid(uid)
        .withSubresource("binding")));
    assertEquals(1, events.size());
    ObjectNode e = events.get(0);
    assertEquals("ResponseComplete", e.get("stage").asText());
    assertEquals("create", e.get("verb").asText());
    assertEquals("/api/v1/namespaces/web/pods/web-1/binding", e.get("requestURI").asText());
    assertEquals("kube-scheduler" + BASE + "/scheduler", e.get("userAgent").asText());
    assertEquals("{\"resource\":\"pods\",\"namespace\":\"web\",\"name\":\"web-1\",\"uid\":\"" + uid
        + "\",\"apiVersion\":\"v1\",\"subresource\":\"binding\"}", e.get("objectRef").toString());
    assertEquals("{\"kind\":\"Binding\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web-1\",\"namespace\":\"web\","
        + "\"uid\":\"" + uid + "\",\"creationTimestamp\":null},\"target\":{\"kind\":\"Node\",\"name\":\"kube-node-02\"}}",
        e.get("requestObject").toString());
    assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"code\":201}",
        e.get("responseObject").toString());
    assertEquals(201, e.path("responseStatus").path("code").asInt());
    // the same policy leaves the scheduler's other writes and the controllers' unaudited
    await(store.patch(pods, "web", "web-1", Patches.MERGE, Json.object(), WriteOptions.none().withSubresource("status")));
    assertEquals(1, events.size());
  }

  @Test
  void aKubeletsStatusPatchAndAFailedCreateByNamespaceAndLevel() throws Exception {
    String uid = backing.put(pods, pod("web-1")).path("metadata").path("uid").asText();
    String policy = """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: None
          namespaces: [kube-system]
        - level: Request
          userGroups: [system:nodes]
          verbs: [patch, create]
          omitStages: [RequestReceived]
        """;
    StoreApi kubelet = store(policy, SystemUsers.node("kube-node-01"), sink(false, false));
    ObjectNode patch = Json.object();
    patch.putObject("metadata").put("uid", uid); // the status manager's precondition
    patch.putObject("status").put("phase", "Running");
    await(kubelet.patch(pods, "web", "web-1", Patches.STRATEGIC_MERGE, patch, WriteOptions.none()
        .withSubresource("status")));
    ObjectNode e = events.get(0);
    assertEquals("patch", e.get("verb").asText());
    assertEquals("/api/v1/namespaces/web/pods/web-1/status", e.get("requestURI").asText());
    assertEquals("kubelet" + BASE, e.get("userAgent").asText());
    // kube completes a patch's objectRef from nothing the patch carries (LogRequestPatch)
    assertEquals("{\"resource\":\"pods\",\"namespace\":\"web\",\"name\":\"web-1\",\"apiVersion\":\"v1\","
        + "\"subresource\":\"status\"}", e.get("objectRef").toString());
    assertEquals(patch, e.get("requestObject"));
    assertFalse(e.has("responseObject"));
    // a create that fails: its Status in responseStatus
    assertTrue(kubelet.create(pods, "web", pod("web-1"), WriteOptions.none()).failed());
    JsonNode failed = events.get(1).get("responseStatus");
    assertEquals(409, failed.get("code").asInt());
    assertEquals("Failure", failed.get("status").asText());
    assertEquals("AlreadyExists", failed.get("reason").asText());
    assertEquals("pods \"web-1\" already exists", failed.get("message").asText());
    // kube-system is not audited, whoever writes
    await(kubelet.create(pods, "kube-system", withNamespace(pod("p"), "kube-system"), WriteOptions.none()));
    assertEquals(2, events.size());
  }

  private static ObjectNode withNamespace(ObjectNode pod, String namespace) {
    ((ObjectNode) pod.get("metadata")).put("namespace", namespace);
    return pod;
  }

  @Test
  void aDeleteSendsItsDeleteOptionsAndIsAnsweredAsKubeAnswersIt() throws Exception {
    ResourceType rs = backing.type("replicasets.apps");
    ObjectNode set = Json.object().put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    set.putObject("metadata").put("name", "web").put("namespace", "web");
    String uid = backing.put(rs, set).path("metadata").path("uid").asText();
    StoreApi gc = store("""
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: RequestResponse
          omitManagedFields: true
        """, SystemUsers.serviceAccount("kube-system", "generic-garbage-collector"), sink(false, false));
    await(gc.delete(rs, "web", "web", WriteOptions.none().withUid(uid).withPropagationPolicy("Background")));
    ObjectNode e = events.get(1);
    assertEquals("delete", e.get("verb").asText());
    assertEquals("/apis/apps/v1/namespaces/web/replicasets/web", e.get("requestURI").asText());
    assertEquals("{\"resource\":\"replicasets\",\"namespace\":\"web\",\"name\":\"web\",\"apiGroup\":\"apps\","
        + "\"apiVersion\":\"v1\"}", e.get("objectRef").toString());
    assertEquals("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"apps/v1\",\"preconditions\":{\"uid\":\"" + uid
        + "\"},\"propagationPolicy\":\"Background\"}", e.get("requestObject").toString());
    assertEquals("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Success\",\"details\":"
        + "{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"replicasets\",\"uid\":\"" + uid + "\"}}",
        e.get("responseObject").toString());
    assertEquals(200, e.path("responseStatus").path("code").asInt());
  }

  @Test
  void aStrictBackendThatCannotStoreRefusesTheWriteAndNoPolicyCostsNothing() throws Exception {
    StoreApi store = store("""
        apiVersion: audit.k8s.io/v1
        kind: Policy
        rules:
        - level: Metadata
        """, RS_CONTROLLER, sink(true, false));
    Throwable refused = store.create(pods, "web", pod("web-1"), WriteOptions.none()).toCompletionStage()
        .toCompletableFuture().handle((v, err) -> err).get();
    StatusException se = (StatusException) (refused instanceof StatusException ? refused : refused.getCause());
    assertEquals(500, se.code());
    assertEquals("an error on the server (\"Internal Server Error: &#34;/api/v1/namespaces/web/pods&#34;: failed to "
        + "store audit event\") has prevented the request from succeeding (post pods)", se.getMessage());
    assertTrue(backing.items(pods, "web").isEmpty());
    assertTrue(events.isEmpty());
    Function<UserInfo, StoreApi> stores = u -> backing;
    assertSame(stores, BusAudit.wrap(null, sink(false, false), stores));
  }

  @Test
  void kubesComponentsAgents() {
    ResourceType leases = backing.type("leases.coordination.k8s.io");
    assertEquals("kube-scheduler" + BASE + "/leader-election", ComponentAgents.of(SystemUsers.KUBE_SCHEDULER, leases));
    assertEquals("kube-controller-manager" + BASE + "/leader-election",
        ComponentAgents.of(SystemUsers.KUBE_CONTROLLER_MANAGER, leases));
    assertEquals(ComponentAgents.LOCAL_PATH_PROVISIONER, ComponentAgents.of(SystemUsers.serviceAccount("kube-system",
        "local-path-provisioner-service-account"), pods));
    assertEquals("/v1.32.0 (linux/amd64) kubernetes/70d3cc9", ComponentAgents.base(Json.object()
        .put("gitVersion", "v1.32.0-dekube").put("gitCommit", "70d3cc986aa8221cd1dfb1121852688902d3bf53")
        .put("platform", "linux/amd64")));
  }
}
