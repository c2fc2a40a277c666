package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2, acceptance 1 and 8: the real {@code ./dekube up} starts, prints one ready line,
 * serves /metrics, stops cleanly on Ctrl-C (SIGINT), and a second {@code up} on the same data
 * directory finds every object the first one stored; restarts, clean and after kill -9, do not wait
 * for the writers' group (issue 6).
 */
class DekubeUpE2E {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static Vertx vertx;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    await(vertx.close());
  }

  /**
   * A short command must not make the class-data archive that later starts of the build map: one
   * made by {@code ./dekube help} held a fifth of the classes of {@code up}, and every start after
   * it was ~2 s slower. Only {@code up} writes archives.
   */
  @Test
  void aShortCommandWritesNoClassArchive(@TempDir Path cds) throws Exception {
    ProcessBuilder help = new ProcessBuilder("./dekube", "help").directory(DekubeProcess.repoRoot().toFile())
        .redirectErrorStream(true).redirectOutput(cds.resolve("help.out").toFile());
    help.environment().put("DEKUBE_CDS_DIR", cds.resolve("archives").toString());
    Process p = help.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "./dekube help did not end within 120 s");
    assertEquals(0, p.exitValue(), java.nio.file.Files.readString(cds.resolve("help.out")));
    try (var files = java.nio.file.Files.walk(cds.resolve("archives"))) {
      List<Path> archives = files.filter(f -> f.toString().endsWith(".jsa")).toList();
      assertEquals(List.of(), archives, "./dekube help wrote class-data archives");
    }
  }

  @Test
  void upStoresObjectsThatSurviveARestart(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("state");
    ResourceType namespaces = REGISTRY.byResourceName("namespaces").orElseThrow();
    ResourceType configMaps = REGISTRY.byResourceName("configmaps").orElseThrow();
    List<String> names = List.of("alpha", "beta", "gamma");

    try (DekubeProcess first = DekubeProcess.up(data)) {
      assertEquals(1, first.stdout().stream().filter(l -> l.startsWith("dekube ready:")).count(),
          "exactly one ready line: " + first.stdout());
      StoreClient client = await(StoreClient.start(vertx, StoreClientOptions.of(first.kafka())));
      await(client.create(namespaces, "", object("v1", "Namespace", "kube-decon"), WriteOptions.none()));
      for (String name : names) {
        ObjectNode cm = object("v1", "ConfigMap", name);
        cm.putObject("data").put("talk", "kubernetes deconstructed");
        await(client.create(configMaps, "kube-decon", cm, WriteOptions.none()));
      }
      await(client.close());

      String metrics = get("http://127.0.0.1:" + first.opsPort() + "/metrics");
      for (String metric : List.of("dekube_writer_requests_total", "dekube_writer_latency_seconds_bucket",
          "dekube_writer_batch_size")) {
        assertTrue(metrics.contains(metric), metric + " missing from /metrics");
      }

      int exit = first.interrupt();
      assertTrue(Set.of(0, 130, 143).contains(exit), "exit code after Ctrl-C: " + exit);
      assertTrue(first.stdout().contains("dekube stopped"), "no clean-stop line: " + first.stdout());
      assertEquals(first.writesClassArchive(), first.stdout().stream().anyMatch(l -> l.equals(
          "dekube: saving the class-data archive that makes the next starts faster (once per build)")),
          "the archive written after the stop is announced, and only then: " + first.stdout());
    }

    try (DekubeProcess second = DekubeProcess.up(data)) {
      StoreClient client = await(StoreClient.start(vertx, StoreClientOptions.of(second.kafka())));
      assertEquals(names, testConfigMaps(client, configMaps));
      assertEquals("kube-decon", await(client.get(namespaces, "", "kube-decon")).path("metadata").path("name")
          .asText());
      await(client.close());
      assertRejoinedAtOnce(second, "after a clean stop");
      second.kill();
    }

    try (DekubeProcess third = DekubeProcess.up(data)) {
      assertRejoinedAtOnce(third, "after kill -9");
      StoreClient client = await(StoreClient.start(vertx, StoreClientOptions.of(third.kafka())));
      assertEquals(names, testConfigMaps(client, configMaps));
      await(client.close());
      third.interrupt();
    }
  }

  /**
   * Writer rule 9 (issue 6): the restarted writer got its partitions without waiting out the 10 s session
   * timeout of a member the group still remembers — it left the group before the broker stopped (clean
   * stop), or came back under the same static group.instance.id (kill -9). Read from its log line.
   */
  private static void assertRejoinedAtOnce(DekubeProcess p, String when) throws Exception {
    Pattern assigned = Pattern.compile("assigned request partitions .* (\\d+) ms after joining the group");
    long ms = p.logLines().stream().map(assigned::matcher).filter(Matcher::find)
        .mapToLong(m -> Long.parseLong(m.group(1))).findFirst()
        .orElseThrow(() -> new AssertionError("no assignment line " + when));
    assertTrue(ms < 6_000, "join to assignment took " + ms + " ms " + when + ": a dead member's session timeout");
  }

  private static ObjectNode object(String apiVersion, String kind, String name) {
    ObjectNode o = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    Json.metadata(o).put("name", name);
    return o;
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url);
    return r.body();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** The ConfigMaps the test stored in kube-decon, sorted (not kube-root-ca.crt, which the controller-manager
   * publishes in every namespace as kube's does). */
  private static List<String> testConfigMaps(StoreClient client, ResourceType configMaps) throws Exception {
    ObjectNode list = await(client.list(configMaps, "kube-decon"));
    List<String> found = new java.util.ArrayList<>();
    list.path("items").forEach(i -> found.add(i.path("metadata").path("name").asText()));
    found.remove("kube-root-ca.crt");
    return found.stream().sorted().toList();
  }
}
