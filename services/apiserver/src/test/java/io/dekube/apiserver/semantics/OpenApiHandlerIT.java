package io.dekube.apiserver.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAPI v3 endpoints over HTTP: index, documents, ETag and 304, stale-hash redirects, 404. */
class OpenApiHandlerIT {

  static StubApiServer server;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    server = new StubApiServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void indexPointsAtDocumentsWithTheirHash() throws Exception {
    HttpResponse<String> index = get("/openapi/v3", "Accept", "application/json, */*");
    assertEquals(200, index.statusCode());
    String url = Json.MAPPER.readTree(index.body()).at("/paths/apis~1apps~1v1/serverRelativeURL").asText();
    assertTrue(url.startsWith("/openapi/v3/apis/apps/v1?hash="), url);
    HttpResponse<String> doc = get(url);
    assertEquals(200, doc.statusCode());
    assertEquals("public, immutable", doc.headers().firstValue("Cache-Control").orElse(""));
    String etag = doc.headers().firstValue("ETag").orElseThrow();
    assertEquals("\"" + url.substring(url.indexOf("hash=") + 5) + "\"", etag);
    JsonNode json = Json.MAPPER.readTree(doc.body());
    assertEquals("3.0.0", json.path("openapi").asText());
    assertEquals(304, get("/openapi/v3/apis/apps/v1", "If-None-Match", etag).statusCode());
  }

  @Test
  void staleHashRedirectsAndUnknownGroupVersionIs404() throws Exception {
    HttpResponse<String> stale = get("/openapi/v3/api/v1?hash=0000");
    assertEquals(301, stale.statusCode());
    assertTrue(stale.headers().firstValue("Location").orElse("").startsWith("/openapi/v3/api/v1?hash="));
    HttpResponse<String> missing = get("/openapi/v3/apis/nope/v1");
    assertEquals(404, missing.statusCode());
    assertEquals("NotFound", Json.MAPPER.readTree(missing.body()).path("reason").asText());
  }
}
