package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.model.StatusException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListOptionsTest {

  private static Map<String, String> q(String s) {
    Map<String, String> m = new HashMap<>();
    if (!s.isEmpty()) {
      for (String kv : s.split("&")) {
        int eq = kv.indexOf('=');
        m.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return m;
  }

  @Test
  void readsAWatch() {
    ListOptions o = ListOptions.parse(q("watch=1&resourceVersion=12&allowWatchBookmarks=true&timeoutSeconds=30"
        + "&labelSelector=app=web&fieldSelector=spec.nodeName=n1&limit=-5")::get, false);
    assertTrue(o.watch());
    assertTrue(o.allowWatchBookmarks());
    assertEquals(12, o.rv());
    assertEquals(30L, o.timeoutSeconds());
    assertEquals(0, o.limit());
    assertEquals("app=web", o.labelSelector());
    assertTrue(o.hasSelectors());
    assertTrue(ListOptions.parse(q("")::get, true).watch(), "the /watch/ prefix");
    assertEquals(-1, ListOptions.parse(q("")::get, false).rv());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "resourceVersionMatch=Exact|422|resourceVersionMatch is forbidden unless resourceVersion is provided",
      "resourceVersion=0&resourceVersionMatch=Exact|422|resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"",
      "resourceVersion=5&resourceVersionMatch=Newest|422|Unsupported value: \"Newest\"",
      "resourceVersion=5&resourceVersionMatch=Exact&continue=abc|422|forbidden when continue is provided",
      "sendInitialEvents=true|422|sendInitialEvents is forbidden for list",
      "watch=true&sendInitialEvents=true|422|sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
      "watch=true&resourceVersionMatch=NotOlderThan|422|forbidden for watch unless sendInitialEvents is provided",
      "watch=maybe|400|strconv.ParseBool",
      "limit=ten|400|strconv.ParseInt",
      "resourceVersion=abc|400|invalid resource version",
      "resourceVersion=-3|400|invalid resource version",
  })
  void rejectsWhatKubeRejects(String query, int code, String message) {
    StatusException e = assertThrows(StatusException.class, () -> ListOptions.parse(q(query)::get, false));
    assertEquals(code, e.code());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    if (code == 422) {
      assertTrue(e.getMessage().startsWith("ListOptions.meta.k8s.io \"\" is invalid: "), e.getMessage());
      assertEquals("Invalid", e.reason());
    }
  }

  @Test
  void watchListIsAccepted() {
    ListOptions o = ListOptions.parse(q("watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"
        + "&allowWatchBookmarks=true")::get, false);
    assertEquals(Boolean.TRUE, o.sendInitialEvents());
  }

  @Test
  void writeParams() {
    WriteParams w = WriteParams.parse(q("fieldManager=kubectl&fieldValidation=Strict&force=true")::get,
        List.of("All"), "PatchOptions", true);
    assertTrue(w.dryRun());
    assertEquals("kubectl", w.fieldManager());
    StatusException noManager = assertThrows(StatusException.class,
        () -> WriteParams.parse(q("")::get, List.of(), "PatchOptions", true));
    assertEquals(422, noManager.code());
    assertTrue(noManager.getMessage().contains("fieldManager: Forbidden: is required for apply patch"));
    assertEquals(422, assertThrows(StatusException.class,
        () -> WriteParams.parse(q("force=true")::get, List.of(), "PatchOptions", false)).code());
    assertEquals(422, assertThrows(StatusException.class,
        () -> WriteParams.parse(q("")::get, List.of("Some"), "CreateOptions", false)).code());
    assertEquals(400, assertThrows(StatusException.class,
        () -> WriteParams.parse(q("fieldValidation=Loose")::get, List.of(), "CreateOptions", false)).code());
  }

  @Test
  void deleteParamsFromBodyOrQuery() {
    DeleteParams body = DeleteParams.parse(("{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":"
        + "\"Foreground\",\"gracePeriodSeconds\":0,\"preconditions\":{\"uid\":\"u1\",\"resourceVersion\":\"7\"},"
        + "\"dryRun\":[\"All\"]}").getBytes(), q("propagationPolicy=Orphan")::get, List.of());
    assertEquals(new DeleteParams("Foreground", 0L, "u1", "7", true), body);
    DeleteParams query = DeleteParams.parse(new byte[0], q("orphanDependents=true&gracePeriodSeconds=5")::get,
        List.of());
    assertEquals(new DeleteParams("Orphan", 5L, null, null, false), query);
    assertEquals(422, assertThrows(StatusException.class, () -> DeleteParams.parse(new byte[0],
        q("propagationPolicy=Later")::get, List.of())).code());
    assertEquals(400, assertThrows(StatusException.class, () -> DeleteParams.parse("{".getBytes(),
        q("")::get, List.of())).code());
  }
}
