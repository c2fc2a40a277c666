package io.dekube.apiserver.rest;

import static io.dekube.apiserver.rest.HttpFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.HttpFixture.Watch;
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
