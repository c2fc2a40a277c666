package io.dekube.kubelet.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeAttributesTest {

  private static final KubeletUser JANE = new KubeletUser("jane", List.of("viewers", KubeletUser.AUTHENTICATED));

  @ParameterizedTest
  @CsvSource({
      "GET, /stats/summary, get, stats",
      "GET, /stats, get, stats",
      "GET, /statsx, get, proxy",
      "GET, /metrics/resource, get, metrics",
      "GET, /metrics, get, metrics",
      "GET, /logs/, get, log",
      "POST, /checkpoint/ns/pod/c, create, checkpoint",
      "POST, /exec/default/web/web, create, proxy",
      "GET, /exec/default/web/web, get, proxy",
      "POST, /attach/default/web/web, create, proxy",
      "POST, /portForward/default/web, create, proxy",
      "GET, /containerLogs/default/web/web, get, proxy",
      "POST, /run/default/web/web, create, proxy",
      "GET, /pods, get, proxy",
      "GET, /configz, get, proxy",
      "GET, /healthz, get, proxy",
      "GET, /spec/, get, proxy",
      "PUT, /pods, update, proxy",
      "PATCH, /pods, patch, proxy",
      "DELETE, /pods, delete, proxy",
      "HEAD, /pods, '', proxy",
  })
  void pathAndMethodGiveSubresourceAndVerbAsKubesKubelet(String method, String path, String verb, String sub) {
    NodeAttributes a = NodeAttributes.of(JANE, method, path, "kube-node-01");
    assertEquals(verb, a.verb());
    assertEquals(sub, a.subresource());
    assertEquals("kube-node-01", a.node());
  }

  @org.junit.jupiter.api.Test
  void describedInKubesWords() {
    assertEquals("user=jane, verb=create, resource=nodes, subresource=proxy",
        NodeAttributes.of(JANE, "POST", "/exec/a/b/c", "n").describe());
  }

  @org.junit.jupiter.api.Test
  void theReviewAsksForTheNodesSubresourceOfThisNode() {
    var review = SubjectAccessReviewer.review(NodeAttributes.of(JANE, "GET", "/stats/summary", "kube-node-02"));
    assertEquals("SubjectAccessReview", review.path("kind").asText());
    assertEquals("{\"verb\":\"get\",\"version\":\"v1\",\"resource\":\"nodes\",\"subresource\":\"stats\","
        + "\"name\":\"kube-node-02\"}", review.at("/spec/resourceAttributes").toString());
    assertEquals("jane", review.at("/spec/user").asText());
    assertEquals("[\"viewers\",\"system:authenticated\"]", review.at("/spec/groups").toString());
  }
}
