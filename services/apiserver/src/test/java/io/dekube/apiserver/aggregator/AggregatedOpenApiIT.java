package io.dekube.apiserver.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.ApiServerFixture;
import io.dekube.core.model.Json;
import io.dekube.kafka.WithKafka;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kube-aggregator's OpenAPI with real HTTPS aggregated API servers: a backend's {@code /openapi/v2}
 * merged into {@code /openapi/v2} (its {@code /apis/} paths, the definitions they use, a conflicting
 * definition renamed {@code _v2}), its group version listed in {@code /openapi/v3} and served — converted
 * from v2 for a backend without v3 (as metrics-server), fetched from the backend for one with v3 —, the
 * documents fetched again when the APIService changes, and a backend without OpenAPI left out.
 */
@WithKafka
class AggregatedOpenApiIT {

  private static final String KEY = "apis/wardle.example.com/v1alpha1";
  private static final String NS = "openapi-wardle";
  private static final String FLUNDERS = "/apis/wardle.example.com/v1alpha1/namespaces/{namespace}/flunders";
  private static final String FLUNDER = "com.example.wardle.v1alpha1.Flunder";
  private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

  static ApiServerFixture server;
  static HttpClient admin;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(false);
    admin = server.client(server.pki.adminClientCertificate());
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aggregatedOpenApiFollowsTheApiServicesBackend() throws Exception {
    String ca = server.pki.ca().certificatePem();
    try (WardleServer legacy = new WardleServer("legacy.wardle.svc", ca, WardleServer.OpenApi.V2);
         WardleServer native3 = new WardleServer("native.wardle.svc", ca, WardleServer.OpenApi.V2_AND_V3);
         WardleServer none = new WardleServer("none.wardle.svc", ca, WardleServer.OpenApi.NONE)) {
      WardleServer.deleteApiService(server, admin);
      // asked before any backend exists: the lazy documents are built, without wardle's
      await(() -> json("/openapi/v3").path("paths").has(KEY), has -> !has);
      post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + NS + "\"}}");
      WardleServer.service(server, admin, NS, "legacy", legacy.port());
      WardleServer.service(server, admin, NS, "native", native3.port());
      WardleServer.service(server, admin, NS, "none", none.port());
      post("/apis/apiregistration.k8s.io/v1/apiservices", apiService("legacy"));

      // v2 only: the index lists the converted document, which kubectl explain reads
      JsonNode entry = await(() -> json("/openapi/v3").path("paths").path(KEY), e -> e.has("serverRelativeURL"));
      JsonNode converted = json(entry.path("serverRelativeURL").asText());
      JsonNode flunder = converted.at("/components/schemas/" + FLUNDER.replace("/", "~1"));
      assertEquals("Flunder is a wardle example object.", flunder.path("description").asText(), converted.toString());
      assertEquals("Flunder", flunder.at("/x-kubernetes-group-version-kind/0/kind").asText());
      assertEquals("#/components/schemas/" + META, flunder.at("/properties/metadata/allOf/0/$ref").asText());
      assertEquals("list or watch objects of kind Flunder", converted.at("/paths/" + FLUNDERS.replace("/", "~1")
          + "/get/description").asText());
      assertEquals("system:aggregator", legacy.openApiUser);

      // the merged v2: the backend's /apis/ paths and what they use, its other ObjectMeta renamed
      JsonNode v2 = json("/openapi/v2");
      assertTrue(v2.path("paths").has(FLUNDERS), "the backend's path");
      assertTrue(v2.path("paths").has("/api/v1/namespaces/{namespace}/pods"), "the apiserver's own paths");
      assertFalse(v2.path("paths").has("/version/"), "only /apis/ paths are taken");
      assertFalse(v2.path("definitions").has("com.example.unused.Thing"), "no path uses it");
      assertEquals("#/definitions/" + META + "_v2",
          v2.at("/definitions/" + FLUNDER + "/properties/metadata/$ref").asText());
      assertEquals("Wardle's own ObjectMeta.", v2.at("/definitions/" + META + "_v2/description").asText());
      assertTrue(v2.at("/definitions/" + META + "/properties").has("managedFields"), "kube's ObjectMeta stays");

      // the APIService moves to a backend with v3: its index entry and document are the backend's
      put("/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.wardle.example.com", apiService("native"));
      await(() -> json("/openapi/v3").path("paths").path(KEY).path("serverRelativeURL").asText(),
          url -> url.endsWith("?hash=" + WardleServer.V3_HASH));
      JsonNode proxied = json("/openapi/v3/" + KEY + "?hash=" + WardleServer.V3_HASH);
      assertEquals("A Flunder served in v3.", proxied.at("/components/schemas/" + FLUNDER + "/description").asText());

      // a backend without OpenAPI is left out of both
      put("/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.wardle.example.com", apiService("none"));
      await(() -> json("/openapi/v3").path("paths").has(KEY), has -> !has);
      await(() -> json("/openapi/v2").path("paths").has(FLUNDERS), has -> !has);
      assertEquals(404, server.get(admin, "/openapi/v3/" + KEY).statusCode());
    } finally {
      WardleServer.deleteApiService(server, admin);
    }
  }

  @Test
  void aBackendThatDoesNotAnswerHoldsOpenApiRequestsOnlyBriefly() throws Exception {
    try (WardleServer hanging = new WardleServer("hanging.wardle.svc", server.pki.ca().certificatePem(),
        WardleServer.OpenApi.HANGING)) {
      WardleServer.deleteApiService(server, admin);
      server.send(admin, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + NS + "-hang\"}}", 201);
      WardleServer.service(server, admin, NS + "-hang", "hanging", hanging.port());
      post("/apis/apiregistration.k8s.io/v1/apiservices", apiService("hanging").replace("\"" + NS + "\"",
          "\"" + NS + "-hang\""));
      await(() -> server.get(admin, "/apis/wardle.example.com/v1alpha1/namespaces/x/flunders").statusCode(),
          code -> code == 200);
      await(hanging::holding, held -> held);
      // kube serves what it has while a backend's download runs: dekube waits at most 5 s for a first copy
      long start = System.nanoTime();
      assertFalse(json("/openapi/v3").path("paths").has(KEY));
      assertFalse(json("/openapi/v2").path("paths").has(FLUNDERS));
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 20, "answered without the backend");
    } finally {
      WardleServer.deleteApiService(server, admin);
    }
  }

  private static String apiService(String service) throws Exception {
    String rv = "";
    HttpResponse<String> current = server.get(admin, "/apis/apiregistration.k8s.io/v1/apiservices/"
        + "v1alpha1.wardle.example.com");
    if (current.statusCode() == 200) {
      rv = ",\"resourceVersion\":\"" + Json.MAPPER.readTree(current.body()).at("/metadata/resourceVersion").asText()
          + "\"";
    }
    return """
        {"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1alpha1.wardle.example.com"%s},
         "spec":{"group":"wardle.example.com","version":"v1alpha1","insecureSkipTLSVerify":true,
          "service":{"namespace":"%s","name":"%s","port":443},"groupPriorityMinimum":1000,"versionPriority":15}}"""
        .formatted(rv, NS, service);
  }

  private static <T> T await(java.util.concurrent.Callable<T> value, java.util.function.Predicate<T> done) {
    return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(value, done);
  }

  private static JsonNode json(String path) throws Exception {
    HttpResponse<String> r = server.get(admin, path);
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    return Json.MAPPER.readTree(r.body());
  }

  private static void post(String path, String body) throws Exception {
    server.send(admin, "POST", path, body, 201);
  }

  private static void put(String path, String body) throws Exception {
    server.send(admin, "PUT", path, body, 200);
  }
}
