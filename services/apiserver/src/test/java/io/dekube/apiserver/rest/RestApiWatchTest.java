package io.dekube.apiserver.rest;

import static io.dekube.apiserver.rest.HttpFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.HttpFixture.Watch;
import io.dekube.core.model.Json;
import io.dekube.core.store.WriteOptions;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestApiWatchTest extends RestApiTestBase {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Override
  protected int windowCapacity() {
    return 5;
  }

  private String listRv(String path) throws Exception {
    return http.get(path).body().at("/metadata/resourceVersion").asText();
  }

  @Test
  void watchFromAResourceVersion() throws Exception {
    http.post("/api/v1/namespaces/d/pods", pod("d", "old", ""));
    String rv = listRv("/api/v1/namespaces/d/pods");
    Watch w = http.watch("/api/v1/namespaces/d/pods?watch=true&resourceVersion=" + rv);
    assertEquals(200, w.response().statusCode());
    assertTrue(w.response().headers().firstValue("Content-Length").isEmpty(), "a chunked stream");
    http.post("/api/v1/namespaces/d/pods", pod("d", "new", ""));
    http.post("/api/v1/namespaces/e/pods", pod("e", "elsewhere", ""));
    http.patch("/api/v1/namespaces/d/pods/new", "application/merge-patch+json", json("{'metadata':{'labels':"
        + "{'x':'y'}}}"));
    http.delete("/api/v1/namespaces/d/pods/new");
    ObjectNode added = w.next(WAIT);
    assertEquals("ADDED", added.path("type").asText());
    assertEquals("new", added.at("/object/metadata/name").asText());
    assertEquals("MODIFIED", w.next(WAIT).path("type").asText());
    ObjectNode deleted = w.next(WAIT);
    assertEquals("DELETED", deleted.path("type").asText());
    assertEquals("Pod", deleted.at("/object/kind").asText());
  }

  @Test
  void watchWithoutResourceVersionStartsWithTheCurrentObjects() throws Exception {
    http.post("/api/v1/namespaces/d/pods", pod("d", "a", ""));
    http.post("/api/v1/namespaces/d/pods", pod("d", "b", ""));
    Watch w = http.watch("/api/v1/watch/namespaces/d/pods");
    assertEquals("a", w.next(WAIT).at("/object/metadata/name").asText());
    assertEquals("b", w.next(WAIT).at("/object/metadata/name").asText());
    http.post("/api/v1/namespaces/d/pods", pod("d", "c", ""));
    ObjectNode c = w.next(WAIT);
    assertEquals("ADDED", c.path("type").asText());
    assertEquals("c", c.at("/object/metadata/name").asText());
  }

  @Test
  void tooOldResourceVersionIsAnExpiredErrorEvent() throws Exception {
    for (int i = 0; i < 8; i++) {
      http.post("/api/v1/namespaces/d/configmaps", json("{'metadata':{'name':'c" + i + "'}}"));
    }
    Watch w = http.watch("/api/v1/namespaces/d/configmaps?watch=1&resourceVersion=1");
    assertEquals(200, w.response().statusCode(), "kube answers 200 and an ERROR event");
    ObjectNode e = w.next(WAIT);
    assertEquals("ERROR", e.path("type").asText());
    assertEquals(410, e.at("/object/code").asInt());
    assertEquals("Expired", e.at("/object/reason").asText());
    assertTrue(e.at("/object/message").asText().startsWith("too old resource version: 1"));
    assertNull(w.next(WAIT), "the stream ends");
    ObjectNode list = http.get("/api/v1/namespaces/d/configmaps?resourceVersion=2&resourceVersionMatch=Exact").body();
    assertEquals(410, list.path("code").asInt(), list.toString());
  }

  @Test
  void selectorsTurnLeavingObjectsIntoDeletedEvents() throws Exception {
    http.post("/api/v1/namespaces/d/pods", pod("d", "p", "'app':'web'"));
    String rv = listRv("/api/v1/namespaces/d/pods?labelSelector=app%3Dweb");
    Watch w = http.watch("/api/v1/namespaces/d/pods?watch=true&labelSelector=app%3Dweb&resourceVersion=" + rv);
    http.patch("/api/v1/namespaces/d/pods/p", "application/merge-patch+json", json("{'metadata':{'labels':"
        + "{'app':'db'}}}"));
    ObjectNode left = w.next(WAIT);
    assertEquals("DELETED", left.path("type").asText());
    assertEquals("db", left.at("/object/metadata/labels/app").asText());
    http.patch("/api/v1/namespaces/d/pods/p", "application/merge-patch+json", json("{'metadata':{'labels':"
        + "{'app':'web'}}}"));
    assertEquals("ADDED", w.next(WAIT).path("type").asText());
    http.patch("/api/v1/namespaces/d/pods/p", "application/merge-patch+json", json("{'metadata':{'labels':"
        + "{'tier':'x'}}}"));
    assertEquals("MODIFIED", w.next(WAIT).path("type").asText());
  }

  @Test
  void watchListBookmarksAndTimeout() throws Exception {
    http.post("/api/v1/namespaces/d/pods", pod("d", "a", ""));
    Watch w = http.watch("/api/v1/namespaces/d/pods?watch=true&sendInitialEvents=true"
        + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=3");
    assertEquals("ADDED", w.next(WAIT).path("type").asText());
    ObjectNode end = w.next(WAIT);
    assertEquals("BOOKMARK", end.path("type").asText());
    assertEquals("true", end.at("/object/metadata/annotations/k8s.io~1initial-events-end").asText());
    assertEquals("1", end.at("/object/metadata/resourceVersion").asText());
    ObjectNode periodic = w.next(WAIT);
    assertEquals("BOOKMARK", periodic.path("type").asText());
    assertEquals("Pod", periodic.at("/object/kind").asText());
    ObjectNode e;
    do {
      e = w.next(WAIT);
    } while (e != null);
  }

  @Test
  void aClientThatDoesNotReadIsDropped() throws Exception {
    var type = registry.byResourceName("configmaps").orElseThrow();
    String big = "x".repeat(4_000);
    ObjectNode cm = (ObjectNode) Json.MAPPER.readTree(json("{'metadata':{'namespace':'d'},'data':{'a':'" + big
        + "'}}"));
    for (int i = 0; i < 4000; i++) {
      ((ObjectNode) cm.get("metadata")).put("name", "c" + i);
      backend.create(type, "d", cm, WriteOptions.none());
    }
    try (Socket socket = new Socket("127.0.0.1", http.port())) {
      socket.getOutputStream().write("GET /api/v1/namespaces/d/configmaps?watch=true HTTP/1.1\r\nHost: x\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      // the initial ADDED events (16 MB) outrun a client that reads nothing: the server gives up on it
      socket.setSoTimeout(30_000);
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[65536];
      long total = 0;
      try {
        for (int n; (n = in.read(buf)) >= 0; ) {
          total += n;
        }
      } catch (SocketException reset) {
        // dropped with a reset: the end of the stream too
      }
      assertTrue(total < 4000L * 4_000, "the watch ended before every event was sent (" + total + " bytes)");
    }
  }

  @Test
  void tableWatchSendsHeadersOnce() throws Exception {
    String rv = listRv("/api/v1/namespaces/d/pods");
    Watch w = http.watch("/api/v1/namespaces/d/pods?watch=true&resourceVersion=" + rv, "Accept",
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json");
    http.post("/api/v1/namespaces/d/pods", pod("d", "a", ""));
    http.post("/api/v1/namespaces/d/pods", pod("d", "b", ""));
    ObjectNode first = w.next(WAIT);
    assertEquals("Table", first.at("/object/kind").asText());
    assertEquals(9, first.at("/object/columnDefinitions").size());
    assertEquals("a", first.at("/object/rows/0/cells/0").asText());
    ObjectNode second = w.next(WAIT);
    assertEquals(0, second.at("/object/columnDefinitions").size());
    assertEquals("b", second.at("/object/rows/0/cells/0").asText());
  }
}
