package io.dekube.apiserver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.apiserver.authz.Attributes;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** kube-apiserver's request labels from a method, a path, a query and a content type. */
class RequestLabelsTest {

  private static RequestLabels labels(String method, String pathAndQuery, String contentType) {
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    Map<String, String> query = new java.util.HashMap<>();
    if (q >= 0) {
      for (String kv : pathAndQuery.substring(q + 1).split("&")) {
        String[] p = kv.split("=", 2);
        query.put(p[0], p.length > 1 ? p[1] : "");
      }
    }
    Attributes a = Attributes.of(null, method, path, query::get);
    return RequestLabels.of(a, method, contentType, query::get);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // method | path                                              | content type                     | verb             | group | version | resource  | sub    | scope     | dry_run
      "GET    | /api/v1/namespaces/default/pods/web                | -                                | GET              |       | v1      | pods      |        | resource  |",
      "GET    | /api/v1/namespaces/default/pods                    | -                                | LIST             |       | v1      | pods      |        | namespace |",
      "GET    | /api/v1/pods                                       | -                                | LIST             |       | v1      | pods      |        | cluster   |",
      "GET    | /api/v1/namespaces/default/pods?watch=true         | -                                | WATCH            |       | v1      | pods      |        | namespace |",
      "GET    | /api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3Dweb | -         | WATCH            |       | v1      | pods      |        | namespace |",
      "GET    | /api/v1/namespaces/default/pods?fieldSelector=metadata.name=web | -                   | LIST             |       | v1      | pods      |        | namespace |",
      "GET    | /api/v1/watch/namespaces/default/pods              | -                                | WATCH            |       | v1      | pods      |        | namespace |",
      "HEAD   | /api/v1/nodes                                      | -                                | LIST             |       | v1      | nodes     |        | cluster   |",
      "GET    | /api/v1/nodes/n1                                   | -                                | GET              |       | v1      | nodes     |        | resource  |",
      "GET    | /api/v1/namespaces/kube-system                     | -                                | GET              |       | v1      | namespaces |       | resource  |",
      "POST   | /api/v1/namespaces                                 | application/json                 | POST             |       | v1      | namespaces |       | cluster   |",
      "POST   | /apis/apps/v1/namespaces/default/deployments?dryRun=All | application/json            | POST             | apps  | v1      | deployments |     | namespace | All",
      "POST   | /api/v1/namespaces/default/configmaps?dryRun=Some  | application/json                 | POST             |       | v1      | configmaps |       | namespace | invalid",
      "PUT    | /apis/apps/v1/namespaces/default/deployments/web/scale | application/json             | PUT              | apps  | v1      | deployments | scale | resource  |",
      "PUT    | /api/v1/namespaces/default/pods/web/status         | application/json                 | PUT              |       | v1      | pods      | status | resource  |",
      "PATCH  | /apis/apps/v1/namespaces/default/deployments/web   | application/strategic-merge-patch+json | PATCH      | apps  | v1      | deployments |     | resource  |",
      "PATCH  | /apis/apps/v1/namespaces/default/deployments/web?fieldManager=kubectl | application/apply-patch+yaml | APPLY | apps | v1 | deployments |   | resource  |",
      "DELETE | /api/v1/namespaces/default/configmaps/c            | -                                | DELETE           |       | v1      | configmaps |       | resource  |",
      "DELETE | /api/v1/namespaces/default/configmaps              | -                                | DELETECOLLECTION |       | v1      | configmaps |       | namespace |",
      "POST   | /api/v1/namespaces/default/pods/web/exec?command=sh | -                               | CONNECT          |       | v1      | pods      | exec   | resource  |",
      "GET    | /api/v1/namespaces/default/pods/web/attach         | -                                | CONNECT          |       | v1      | pods      | attach | resource  |",
      "GET    | /api/v1/namespaces/default/pods/web/portforward    | -                                | CONNECT          |       | v1      | pods      | portforward | resource |",
      "GET    | /api/v1/namespaces/default/pods/web/log?follow=true | -                               | GET              |       | v1      | pods      | log    | resource  |",
      "POST   | /api/v1/namespaces/default/pods/web/eviction       | application/json                 | POST             |       | v1      | pods      | eviction | resource |",
      "GET    | /healthz                                           | -                                | GET              |       |         |           | /healthz |         |",
      "GET    | /apis/apps/v1                                      | -                                | GET              |       |         |           | /apis/apps/v1 |    |",
      "POST   | /metrics                                           | -                                | POST             |       |         |           | /metrics |         |",
  })
  void labelsAsKubeApiserverReportsThem(String method, String path, String contentType, String verb, String group,
                                         String version, String resource, String subresource, String scope,
                                         String dryRun) {
    RequestLabels l = labels(method, path, contentType);
    assertEquals(new RequestLabels(verb, nz(dryRun), nz(group), nz(version), nz(resource), nz(subresource), nz(scope)),
        l, method + " " + path);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  @Test
  void longRunningAreWatchesStreamsAndLogs() {
    assertTrue(labels("GET", "/api/v1/pods?watch=true", null).longRunning());
    assertTrue(labels("POST", "/api/v1/namespaces/d/pods/p/exec", null).longRunning());
    assertTrue(labels("GET", "/api/v1/namespaces/d/pods/p/log", null).longRunning());
    assertFalse(labels("GET", "/api/v1/pods", null).longRunning());
    assertFalse(labels("POST", "/api/v1/namespaces/d/pods/p/eviction", null).longRunning());
    assertFalse(labels("GET", "/log", null).longRunning(), "a non-resource path is never a subresource");
  }

  @Test
  void watchAndConnectHaveNoLatencyAndOnlyReadsASize() {
    assertFalse(labels("GET", "/api/v1/pods?watch=true", null).timed());
    assertFalse(labels("POST", "/api/v1/namespaces/d/pods/p/exec", null).timed());
    assertTrue(labels("GET", "/api/v1/namespaces/d/pods/p/log", null).timed());
    assertTrue(labels("GET", "/api/v1/pods", null).sized());
    assertTrue(labels("GET", "/api/v1/namespaces/d/pods/p", null).sized());
    assertFalse(labels("POST", "/api/v1/namespaces/d/pods", null).sized());
    assertFalse(labels("GET", "/api/v1/pods?watch=true", null).sized());
  }

  @Test
  void failedRequestsKeepTheirLabelsOnlyForServedResourcesAndKnownPaths() {
    java.util.function.BiPredicate<String, String> served = (g, r) -> g.isEmpty() && r.equals("configmaps");
    RequestLabels missing = labels("GET", "/api/v1/namespaces/d/configmaps/nope", null);
    assertEquals(missing, missing.bounded(404, served), "a 404 of a served resource keeps its labels");
    RequestLabels conflict = labels("POST", "/api/v1/namespaces/d/configmaps", "application/json");
    assertEquals(conflict, conflict.bounded(409, served));
    RequestLabels madeUp = labels("GET", "/api/v1/namespaces/d/made-up-1234", null);
    assertEquals(new RequestLabels("LIST", "", "", "", "", "", "namespace"), madeUp.bounded(404, served));
    assertEquals(madeUp, madeUp.bounded(200, served), "an answered request names what it asked for");
    RequestLabels noPath = labels("GET", "/no/such/path/123", null);
    assertEquals(new RequestLabels("GET", "", "", "", "", "", ""), noPath.bounded(404, served));
    RequestLabels metrics = labels("GET", "/metrics", null);
    assertEquals(metrics, metrics.bounded(403, served), "a known path keeps its label when refused");
    assertEquals(new RequestLabels("PUT", "", "", "", "", "", ""), RequestLabels.unauthenticated("PUT"));
  }
}
