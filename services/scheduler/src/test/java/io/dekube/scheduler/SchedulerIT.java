package io.dekube.scheduler;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.dekube.core.store.WriteOptions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on a real broker and writer: pods get bound through the store, anti-affinity
 * spreads replicas, a pod that fits nowhere stays Pending with kube's FailedScheduling message, and
 * a higher-priority pod preempts a lower one.
 */
@WithKafka
class SchedulerIT {

  private static SchedulerFixture f;
  private static SchedulerVerticle verticle;
  private static final String HOST = "kubernetes.io/hostname";

  @BeforeAll
  static void start(@KafkaBootstrap String bootstrap) throws Exception {
    f = new SchedulerFixture(bootstrap);
    for (String n : List.of("n1", "n2", "n3")) {
      f.node(node(n).capacity("cpu", "2", "memory", "4Gi").obj());
    }
    f.informer(SchedulerFixture.EVENTS);
    verticle = new SchedulerVerticle(SchedulerConfig.defaults().withLeaderElect(true), SchedulerFixture.REGISTRY,
        f.store, f::cache);
    f.deploy(verticle);
  }

  @AfterAll
  static void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void antiAffinityPutsThreeOnThreeAndLeavesTheFourthPending() {
    for (int i = 1; i <= 4; i++) {
      f.pod(pod("web-" + i).namespace("aa").label("app", "web").req("cpu", "100m")
          .podAntiAffinity("app", "web", HOST).obj());
    }
    // the pods land on different partitions of the pods topic, so the scheduler may see them in any
    // order, as kube's may: which of the four stays Pending is not fixed, only that one does
    List<String> webs = List.of("web-1", "web-2", "web-3", "web-4");
    await().atMost(Duration.ofSeconds(60)).until(() -> webs.stream().filter(w -> !f.nodeOf("aa", w).isEmpty()).count() == 3
        && webs.stream().anyMatch(w -> f.nodeOf("aa", w).isEmpty() && !f.events("aa", w, "FailedScheduling").isEmpty()));
    Set<String> nodes = new HashSet<>();
    String pending = null;
    for (String w : webs) {
      String n = f.nodeOf("aa", w);
      if (n.isEmpty()) {
        pending = w;
      } else {
        nodes.add(n);
      }
    }
    assertEquals(Set.of("n1", "n2", "n3"), nodes);
    String msg = f.events("aa", pending, "FailedScheduling").get(0);
    assertTrue(msg.startsWith("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."), msg);
    String placed = webs.stream().filter(w -> !f.nodeOf("aa", w).isEmpty()).findFirst().orElseThrow();
    await().atMost(Duration.ofSeconds(30)).until(() -> f.events("aa", placed, "Scheduled").stream()
        .anyMatch(m -> m.equals("Successfully assigned aa/" + placed + " to " + f.nodeOf("aa", placed))));
  }

  @Test
  void aPodTooBigStaysPendingAndAHigherPriorityPodPreempts() {
    f.pod(pod("huge").namespace("big").req("cpu", "3").obj());
    await().atMost(Duration.ofSeconds(60)).until(() -> !f.events("big", "huge", "FailedScheduling").isEmpty());
    assertTrue(f.events("big", "huge", "FailedScheduling").get(0).startsWith("0/3 nodes are available: 3 Insufficient cpu."),
        f.events("big", "huge", "FailedScheduling").get(0));
    for (int i = 1; i <= 3; i++) {
      f.pod(pod("low-" + i).namespace("pre").priority(0).req("cpu", "1500m").obj());
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> Set.of(1, 2, 3).stream()
        .allMatch(i -> !f.nodeOf("pre", "low-" + i).isEmpty()));
    f.pod(pod("high").namespace("pre").priority(1000).req("cpu", "1500m").obj());
    // a bound victim is deleted gracefully (deletionTimestamp); no kubelet runs here, so act as
    // its kubelet and finish the deletion, as a node does once the container stopped
    await().atMost(Duration.ofSeconds(60)).until(() -> terminatingVictims() > 0);
    Set.of(1, 2, 3).forEach(i -> {
      var victim = f.informer(SchedulerFixture.PODS).get("pre", "low-" + i);
      if (victim != null && victim.at("/metadata/deletionTimestamp").isTextual()) {
        var target = new java.util.ArrayList<String>();
        victim.at("/status/conditions").forEach(c -> {
          if ("DisruptionTarget".equals(c.path("type").asText())) {
            target.add(c.path("status").asText() + "/" + c.path("reason").asText() + "/" + c.path("message").asText());
          }
        });
        assertEquals(java.util.List.of("True/PreemptionByScheduler/default-scheduler: preempting to accommodate a "
            + "higher priority pod"), target, "the victim's DisruptionTarget condition");
        SchedulerFixture.await(f.store.delete(SchedulerFixture.PODS, "pre", "low-" + i,
            WriteOptions.none().withGracePeriodSeconds(0L)));
      }
    });
    await().atMost(Duration.ofSeconds(60)).until(() -> !f.nodeOf("pre", "high").isEmpty());
    long lowLeft = Set.of(1, 2, 3).stream().filter(i -> f.informer(SchedulerFixture.PODS).get("pre", "low-" + i) != null)
        .count();
    assertEquals(2, lowLeft);
  }

  private long terminatingVictims() {
    return Set.of(1, 2, 3).stream().map(i -> f.informer(SchedulerFixture.PODS).get("pre", "low-" + i))
        .filter(p -> p != null && p.at("/metadata/deletionTimestamp").isTextual()).count();
  }

  @Test
  void theOpsPortServesKubeSchedulersConfigz() throws Exception {
    io.dekube.core.metrics.OpsHttpServer ops = new io.dekube.core.metrics.OpsHttpServer().configz(
        SchedulerVerticle.CONFIGZ_NAME, verticle.componentConfig());
    int port = SchedulerFixture.await(ops.listen(f.vertx, "127.0.0.1", 0));
    try {
      java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/configz")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
      assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(""));
      com.fasterxml.jackson.databind.JsonNode c = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body())
          .path("componentconfig");
      assertEquals("kubescheduler.config.k8s.io/v1", c.path("apiVersion").asText());
      assertEquals("default-scheduler", c.path("Profiles").get(0).path("SchedulerName").asText());
      assertEquals("{\"Name\":\"DefaultPreemption\",\"Args\":{\"MinCandidateNodesPercentage\":10,"
          + "\"MinCandidateNodesAbsolute\":100}}", c.path("Profiles").get(0).path("PluginConfig").get(0).toString());
    } finally {
      SchedulerFixture.await(ops.close());
    }
  }
}
