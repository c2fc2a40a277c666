package io.dekube.apiserver;

import io.dekube.kafka.WithKafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import io.dekube.core.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTPS front on a real port: authentication, Status errors, version, health and discovery. */
@WithKafka
class ApiServerIT {

  private static final String AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
  private static final String AGGREGATED_V2BETA1 =
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

  private static ApiServerFixture server;
  private static HttpClient admin;
  private static HttpClient anonymous;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(true);
    admin = server.client(server.pki.adminClientCertificate());
    anonymous = server.client(null);
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void adminCertificateIsAcceptedOverHttp2() throws Exception {
    HttpResponse<String> r = server.get(admin, "/api");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(HttpClient.Version.HTTP_2, r.version());
  }

  @Test
  void certificateFromAnotherCaIsUnauthorized() throws Exception {
    CertificateIssuer issuer = new CertificateIssuer();
    CertificateBundle otherCa = issuer.newCa("other-ca");
    CertificateBundle foreign = issuer.newClient(otherCa, "admin", List.of("system:masters"));
    assertUnauthorized(server.get(server.client(foreign), "/api"));
  }

  @Test
  void clientCertificateNamesUserAndGroups() throws Exception {
    HttpClient jane = server.client(server.pki.issueClientCertificate("jane", List.of("dev")));
    assertEquals(200, server.get(jane, "/api/v1").statusCode());
  }

  @Test
  void bearerTokens() throws Exception {
    assertEquals(200, server.get(anonymous, "/apis", "Authorization", "Bearer " + ApiServerFixture.TOKEN).statusCode());
    assertUnauthorized(server.get(anonymous, "/apis", "Authorization", "Bearer wrong"));
  }

  @Test
  void basicAuth() throws Exception {
    assertEquals(200, server.get(anonymous, "/apis", "Authorization", basic("basic-user", ApiServerFixture.PASSWORD))
        .statusCode());
    assertUnauthorized(server.get(anonymous, "/apis", "Authorization", basic("basic-user", "wrong")));
    assertUnauthorized(server.get(anonymous, "/apis", "Authorization", basic("nobody", ApiServerFixture.PASSWORD)));
  }

  @Test
  void noCredentialsIsTheAnonymousUserWhomRbacForbidsAllButThePublicPaths() throws Exception {
    assertAnonymousForbidden(server.get(anonymous, "/api"), "get", "/api");
    assertAnonymousForbidden(server.get(anonymous, "/metrics"), "get", "/metrics");
    assertAnonymousForbidden(server.get(anonymous, "/healthz/ping"), "get", "/healthz/ping");
    assertEquals(200, server.get(anonymous, "/version").statusCode());
    for (String path : List.of("/healthz", "/readyz", "/livez")) {
      HttpResponse<String> r = server.get(anonymous, path);
      assertEquals(200, r.statusCode(), path);
      assertEquals("ok", r.body());
    }
  }

  @Test
  void badCredentialsAreUnauthorizedEvenOnPublicPaths() throws Exception {
    assertUnauthorized(server.get(anonymous, "/healthz", "Authorization", "Bearer wrong"));
  }

  @Test
  void versionReportsKubernetes132() throws Exception {
    JsonNode v = json(server.get(anonymous, "/version"));
    assertEquals("1", v.path("major").asText());
    assertEquals("32", v.path("minor").asText());
    assertTrue(v.path("gitVersion").asText().startsWith("v1.32."), v.toString());
    assertTrue(v.path("platform").asText().contains("/"), v.toString());
  }

  /** kube indents /version always and discovery for curl, wget and browsers, as "Access Clusters Using the API" shows. */
  @Test
  void curlGetsVersionAndDiscoveryIndented() throws Exception {
    String version = server.get(anonymous, "/version").body();
    assertTrue(version.startsWith("{\n  \"major\": \"1\",\n  \"minor\": \"32\","), version);
    String api = server.get(admin, "/api", "User-Agent", "curl/8.5.0").body();
    assertTrue(api.startsWith("{\n  \"kind\": \"APIVersions\",\n  \"versions\": [\n    \"v1\"\n  ],"), api);
    String groups = server.get(admin, "/apis/apps/v1?pretty=true").body();
    assertTrue(groups.startsWith("{\n  \"kind\": \"APIResourceList\","), groups);
    String kubectl = server.get(admin, "/api", "User-Agent", "kubectl/v1.32.0 (linux/amd64)").body();
    assertTrue(kubectl.startsWith("{\"kind\":\"APIVersions\""), kubectl);
  }

  @Test
  void verboseHealth() throws Exception {
    // kube-apiserver 1.32's checks that dekube has a counterpart for, in kube's order; the bootstrap
    // controller's hook passes once the default/kubernetes Service is written, just after the server listens
    String hooks = ApiServerHealth.POST_START_HOOKS.stream().map(h -> "[+]poststarthook/" + h + " ok\n")
        .collect(java.util.stream.Collectors.joining());
    String openApi = ApiServerHealth.OPENAPI_HOOKS.stream().map(h -> "[+]poststarthook/" + h + " ok\n")
        .collect(java.util.stream.Collectors.joining());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertEquals("[+]ping ok\n[+]log ok\n[+]etcd ok\n" + hooks + "[+]autoregister-completion ok\n"
            + openApi + "livez check passed\n", server.get(anonymous, "/livez?verbose").body()));
    HttpResponse<String> r = server.get(anonymous, "/readyz?verbose");
    assertEquals(200, r.statusCode());
    assertEquals("[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]informer-sync ok\n" + hooks
        + "[+]autoregister-completion ok\n" + openApi + "[+]shutdown ok\nreadyz check passed\n", r.body());
    assertEquals("[+]ping ok\n[+]log ok\n[+]etcd ok\n" + hooks + "[+]autoregister-completion ok\n"
        + openApi + "healthz check passed\n", server.get(anonymous, "/healthz?verbose").body());
    // single checks, their names' slashes included; a readiness check is not a liveness one
    assertEquals("ok", server.get(admin, "/livez/ping").body());
    assertEquals("ok", server.get(admin, "/livez/etcd").body());
    assertEquals("ok", server.get(admin, "/readyz/poststarthook/rbac/bootstrap-roles").body());
    assertEquals("ok", server.get(admin, "/readyz/informer-sync").body());
    assertEquals(404, server.get(admin, "/livez/informer-sync").statusCode());
    assertEquals(404, server.get(admin, "/readyz/poststarthook/no-such-hook").statusCode());
    // kube's words for exclusions, and for names no check has: etcd is one of dekube's checks
    String excluded = server.get(anonymous, "/readyz?verbose&exclude=shutdown&exclude=etcd&exclude=a&exclude=kafka")
        .body();
    assertTrue(excluded.contains("[+]shutdown excluded: ok\n"), excluded);
    assertTrue(excluded.contains("[+]etcd excluded: ok\n"), excluded);
    assertTrue(excluded.endsWith("warn: some health checks cannot be excluded: no matches for \"a\",\"kafka\"\n"
        + "readyz check passed\n"), excluded);
  }

  @Test
  void anonymousHealthIsWhatTheBindingOfPublicInfoViewerAllows() throws Exception {
    // only the three paths of system:public-info-viewer, not their single checks
    assertAnonymousForbidden(server.get(anonymous, "/readyz/etcd"), "get", "/readyz/etcd");
    assertAnonymousForbidden(server.get(anonymous, "/livez/poststarthook/rbac/bootstrap-roles"), "get",
        "/livez/poststarthook/rbac/bootstrap-roles");
    String binding = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:public-info-viewer";
    String saved = server.get(admin, binding).body();
    assertEquals(200, admin.send(HttpRequest.newBuilder(URI.create(server.server() + binding)).DELETE().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    try {
      // without the binding the health paths are as forbidden to anonymous users as in kube
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertAnonymousForbidden(server.get(anonymous, "/readyz"), "get", "/readyz"));
    } finally {
      com.fasterxml.jackson.databind.node.ObjectNode back = (com.fasterxml.jackson.databind.node.ObjectNode)
          Json.MAPPER.readTree(saved);
      com.fasterxml.jackson.databind.node.ObjectNode meta = (com.fasterxml.jackson.databind.node.ObjectNode)
          back.get("metadata");
      meta.retain("name", "labels", "annotations");
      HttpResponse<String> created = admin.send(HttpRequest.newBuilder(URI.create(server.server()
              + "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(back.toString()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(201, created.statusCode(), created.body());
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertEquals("ok", server.get(anonymous, "/readyz").body()));
  }

  @Test
  void bootstrapWritesCarryKubeApiserversFieldManager() throws Exception {
    // as `kubectl get ns kube-system -o yaml --show-managed-fields` shows on kube: manager kube-apiserver, Update
    assertManagers("/api/v1/namespaces/kube-system", "kube-apiserver/Update/");
    assertManagers("/apis/scheduling.k8s.io/v1/priorityclasses/system-node-critical", "kube-apiserver/Update/");
    assertManagers("/apis/rbac.authorization.k8s.io/v1/clusterroles/cluster-admin", "kube-apiserver/Update/");
    assertManagers("/apis/rbac.authorization.k8s.io/v1/clusterroles/admin",
        "kube-apiserver/Update/", "kube-controller-manager/Update/");
    assertManagers("/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/exempt",
        "api-priority-and-fairness-config-producer-v1/Update/",
        "api-priority-and-fairness-config-consumer-v1/Update/status");
    // autoregister creates a local APIService, the availability controller writes its Available=True Local status
    assertManagers("/apis/apiregistration.k8s.io/v1/apiservices/v1.apps", "kube-apiserver/Update/",
        "kube-apiserver/Update/status");
    for (String path : List.of("/api/v1/namespaces/default/services/kubernetes",
        "/api/v1/namespaces/default/endpoints/kubernetes",
        "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/kubernetes")) {
      assertManagers(path, "kube-apiserver/Update/");
    }
    // a CRD's status is the apiserver's, written through its status subresource; a kind no other test serves (the
    // classes of this module share one store, and kubectl resolves a short name through every served group)
    String crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"ledgers.managers.example.com"},
         "spec":{"group":"managers.example.com","scope":"Namespaced",
          "names":{"plural":"ledgers","singular":"ledger","kind":"Ledger"},
          "versions":[{"name":"v1","served":true,"storage":true,
           "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}""";
    HttpResponse<String> created = admin.send(HttpRequest.newBuilder(URI.create(server.server()
            + "/apis/apiextensions.k8s.io/v1/customresourcedefinitions?fieldManager=crd-author"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(crd)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, created.statusCode(), created.body());
    String path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/ledgers.managers.example.com";
    assertManagers(path, "crd-author/Update/", "kube-apiserver/Update/status");
    HttpResponse<String> deleted = admin.send(HttpRequest.newBuilder(URI.create(server.server() + path)).DELETE().build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, deleted.statusCode(), deleted.body());
  }

  /** Waits until the object's managedFields name these manager/operation/subresource entries, in any order. */
  private static void assertManagers(String path, String... wanted) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> r = server.get(admin, path);
      assertEquals(200, r.statusCode(), path + ": " + r.body());
      List<String> managers = StreamSupport.stream(json(r).path("metadata").path("managedFields").spliterator(), false)
          .map(m -> m.path("manager").asText() + "/" + m.path("operation").asText() + "/"
              + m.path("subresource").asText())
          .sorted().toList();
      assertEquals(java.util.Arrays.stream(wanted).sorted().toList(), managers, path);
    });
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    HttpResponse<String> r = server.get(admin, "/metrics");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
  }

  @Test
  void unknownPathIsNotFoundStatus() throws Exception {
    HttpResponse<String> r = server.get(admin, "/no/such/path");
    assertStatus(r, 404, "NotFound");
    assertEquals("the server could not find the requested resource", json(r).path("message").asText());
    assertStatus(server.get(admin, "/apis/no.such.group"), 404, "NotFound");
    assertStatus(server.get(admin, "/apis/apps/v9"), 404, "NotFound");
    assertStatus(server.get(admin, "/api/v2"), 404, "NotFound");
  }

  @Test
  void wrongMethodIsMethodNotAllowedStatus() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(server.server() + "/version"))
        .method("DELETE", HttpRequest.BodyPublishers.noBody()).build();
    assertStatus(admin.send(req, HttpResponse.BodyHandlers.ofString()), 405, "MethodNotAllowed");
  }

  @Test
  void bodyOver3MiBIsRequestEntityTooLargeStatus() throws Exception {
    byte[] body = new byte[3 * 1024 * 1024 + 1];
    HttpRequest req = HttpRequest.newBuilder(URI.create(server.server() + "/api/v1/namespaces"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    HttpResponse<String> r = admin.send(req, HttpResponse.BodyHandlers.ofString());
    assertStatus(r, 413, "RequestEntityTooLarge");
    // the server keeps serving
    assertEquals(200, server.get(admin, "/api").statusCode());
  }

  @Test
  void legacyDiscovery() throws Exception {
    JsonNode api = json(server.get(admin, "/api"));
    assertEquals("APIVersions", api.path("kind").asText());
    assertEquals("v1", api.path("versions").path(0).asText());

    JsonNode v1 = json(server.get(admin, "/api/v1"));
    assertEquals("APIResourceList", v1.path("kind").asText());
    JsonNode pods = resource(v1, "pods");
    assertEquals("pod", pods.path("singularName").asText());
    assertTrue(pods.path("namespaced").asBoolean());
    assertEquals("Pod", pods.path("kind").asText());
    assertEquals(List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
        strings(pods.path("verbs")));
    assertEquals(List.of("po"), strings(pods.path("shortNames")));
    assertEquals(List.of("all"), strings(pods.path("categories")));
    assertEquals(List.of("get", "patch", "update"), strings(resource(v1, "pods/status").path("verbs")));
    assertEquals(List.of("get"), strings(resource(v1, "pods/log").path("verbs")));
    assertEquals("Binding", resource(v1, "pods/binding").path("kind").asText());

    JsonNode apps = json(server.get(admin, "/apis/apps/v1"));
    JsonNode scale = resource(apps, "deployments/scale");
    assertEquals("autoscaling", scale.path("group").asText());
    assertEquals("Scale", scale.path("kind").asText());

    JsonNode groups = json(server.get(admin, "/apis"));
    assertEquals("APIGroupList", groups.path("kind").asText());
    JsonNode appsGroup = group(groups, "apps");
    assertEquals("apps/v1", appsGroup.path("preferredVersion").path("groupVersion").asText());
    assertEquals(List.of("apps/v1", "apps/v1beta2", "apps/v1beta1"), StreamSupport
        .stream(appsGroup.path("versions").spliterator(), false).map(v -> v.path("groupVersion").asText()).toList());
    assertEquals("extensions/v1beta1", group(groups, "extensions").path("preferredVersion").path("groupVersion").asText());
    JsonNode extensions = json(server.get(admin, "/apis/extensions/v1beta1"));
    assertEquals("Ingress", resource(extensions, "ingresses").path("kind").asText());
    assertEquals("Deployment", resource(json(server.get(admin, "/apis/apps/v1beta1")), "deployments").path("kind").asText());
    assertEquals("APIGroup", json(server.get(admin, "/apis/apps")).path("kind").asText());
  }

  @Test
  void aggregatedDiscovery() throws Exception {
    String accept = AGGREGATED_V2 + "," + AGGREGATED_V2BETA1 + ",application/json";
    HttpResponse<String> apis = server.get(admin, "/apis", "Accept", accept);
    assertEquals(200, apis.statusCode());
    assertEquals(AGGREGATED_V2, apis.headers().firstValue("content-type").orElse(""));
    JsonNode list = Json.MAPPER.readTree(apis.body());
    assertEquals("APIGroupDiscoveryList", list.path("kind").asText());
    assertEquals("apidiscovery.k8s.io/v2", list.path("apiVersion").asText());
    JsonNode apps = item(list, "apps");
    assertEquals("v1", apps.path("versions").path(0).path("version").asText());
    JsonNode deployments = discovered(apps.path("versions").path(0), "deployments");
    assertEquals("Namespaced", deployments.path("scope").asText());
    assertEquals("Deployment", deployments.path("responseKind").path("kind").asText());
    assertEquals(List.of("deploy"), strings(deployments.path("shortNames")));
    JsonNode scale = StreamSupport.stream(deployments.path("subresources").spliterator(), false)
        .filter(s -> s.path("subresource").asText().equals("scale")).findFirst().orElseThrow();
    assertEquals("autoscaling", scale.path("responseKind").path("group").asText());

    HttpResponse<String> core = server.get(admin, "/api", "Accept", AGGREGATED_V2BETA1 + ",application/json");
    assertEquals(AGGREGATED_V2BETA1, core.headers().firstValue("content-type").orElse(""));
    JsonNode coreList = Json.MAPPER.readTree(core.body());
    assertEquals(1, coreList.path("items").size());
    JsonNode nodes = discovered(coreList.path("items").path(0).path("versions").path(0), "nodes");
    assertEquals("Cluster", nodes.path("scope").asText());

    String etag = apis.headers().firstValue("etag").orElseThrow();
    assertEquals(304, server.get(admin, "/apis", "Accept", accept, "If-None-Match", etag).statusCode());
    HttpResponse<String> legacy = server.get(admin, "/apis", "Accept", "application/json");
    assertEquals("application/json", legacy.headers().firstValue("content-type").orElse(""));
  }

  /** What a Go client with protobuf (client-go's events recorder, for one) writes and reads at events.k8s.io/v1. */
  @Test
  void eventsK8sIoEventsSpeakProtobuf() throws Exception {
    String event = "{\"apiVersion\":\"events.k8s.io/v1\",\"kind\":\"Event\",\"metadata\":{\"name\":\"pb.1\","
        + "\"namespace\":\"default\"},\"eventTime\":\"2026-12-06T04:00:00.000000Z\",\"reportingController\":\"example.com/c\","
        + "\"reportingInstance\":\"c-1\",\"action\":\"Acting\",\"reason\":\"Acted\",\"type\":\"Normal\",\"note\":\"in protobuf\","
        + "\"regarding\":{\"kind\":\"Pod\",\"namespace\":\"default\",\"name\":\"web-0\"}}";
    byte[] body = io.dekube.apiserver.codec.proto.ProtobufEncoder.encode((com.fasterxml.jackson.databind.node.ObjectNode)
        Json.MAPPER.readTree(event)).orElseThrow();
    String path = "/apis/events.k8s.io/v1/namespaces/default/events";
    HttpResponse<byte[]> created = admin.send(HttpRequest.newBuilder(URI.create(server.server() + path))
        .header("Content-Type", "application/vnd.kubernetes.protobuf")
        .header("Accept", "application/vnd.kubernetes.protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(201, created.statusCode(), new String(created.body(), StandardCharsets.UTF_8));
    JsonNode back = io.dekube.apiserver.codec.proto.ProtobufDecoder.decode(created.body());
    assertEquals("in protobuf", back.path("note").asText(), back.toString());
    assertEquals("web-0", back.path("regarding").path("name").asText());
    HttpResponse<byte[]> list = admin.send(HttpRequest.newBuilder(URI.create(server.server() + path))
        .header("Accept", "application/vnd.kubernetes.protobuf").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, list.statusCode(), new String(list.body(), StandardCharsets.UTF_8));
    JsonNode items = io.dekube.apiserver.codec.proto.ProtobufDecoder.decode(list.body()).path("items");
    assertTrue(StreamSupport.stream(items.spliterator(), false)
        .anyMatch(i -> i.path("note").asText().equals("in protobuf")), items.toString());
    assertEquals("in protobuf", json(server.get(admin, "/api/v1/namespaces/default/events/pb.1")).path("message").asText());
  }

  private static void assertAnonymousForbidden(HttpResponse<String> r, String verb, String path) throws Exception {
    assertStatus(r, 403, "Forbidden");
    assertEquals("forbidden: User \"system:anonymous\" cannot " + verb + " path \"" + path + "\"",
        json(r).path("message").asText());
  }

  private static void assertUnauthorized(HttpResponse<String> r) throws Exception {
    assertStatus(r, 401, "Unauthorized");
    assertEquals("Unauthorized", json(r).path("message").asText());
  }

  private static void assertStatus(HttpResponse<String> r, int code, String reason) throws Exception {
    assertEquals(code, r.statusCode(), r.body());
    JsonNode status = json(r);
    assertEquals("Status", status.path("kind").asText(), r.body());
    assertEquals("v1", status.path("apiVersion").asText());
    assertEquals("Failure", status.path("status").asText());
    assertEquals(reason, status.path("reason").asText());
    assertEquals(code, status.path("code").asInt());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  private static JsonNode resource(JsonNode list, String name) {
    return StreamSupport.stream(list.path("resources").spliterator(), false)
        .filter(r -> r.path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + list));
  }

  private static JsonNode group(JsonNode list, String name) {
    return StreamSupport.stream(list.path("groups").spliterator(), false)
        .filter(g -> g.path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no group " + name));
  }

  private static JsonNode item(JsonNode list, String name) {
    return StreamSupport.stream(list.path("items").spliterator(), false)
        .filter(g -> g.path("metadata").path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no group " + name));
  }

  private static JsonNode discovered(JsonNode version, String resource) {
    return StreamSupport.stream(version.path("resources").spliterator(), false)
        .filter(r -> r.path("resource").asText().equals(resource)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + resource));
  }

  private static List<String> strings(JsonNode array) {
    assertFalse(array.isMissingNode());
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }
}
