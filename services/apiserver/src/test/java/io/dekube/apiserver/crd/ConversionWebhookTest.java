package io.dekube.apiserver.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.crd.CrdParser;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.dekube.store.admission.webhook.ConversionWebhook;
import io.dekube.store.admission.webhook.WebhookClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A CRD's conversion webhook called as kube calls it, its answers checked as kube checks them. */
class ConversionWebhookTest {

  private static ConversionWebhookServer hook;
  private static Vertx vertx;
  private static ConversionWebhook webhook;

  @BeforeAll
  static void start() throws Exception {
    hook = new ConversionWebhookServer();
    vertx = Vertx.vertx();
    webhook = new ConversionWebhook(new WebhookClient(vertx, (ns, name, port) -> {
      throw new IllegalStateException("service \"" + name + "\" not found");
    }));
  }

  @AfterAll
  static void stop() throws Exception {
    hook.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    hook.answer = UnaryOperator.identity();
    hook.reviews.clear();
  }

  private static CustomKind kind(String reviewVersions, String clientConfig) throws Exception {
    return CrdParser.kind(Json.YAML.readTree("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: crontabs.stable.example.com}
        spec:
          group: stable.example.com
          scope: Namespaced
          names: {plural: crontabs, singular: crontab, kind: CronTab, listKind: CronTabList}
          versions:
          - {name: v1beta1, served: true, storage: false}
          - {name: v1, served: true, storage: true}
          conversion:
            strategy: Webhook
            webhook: {conversionReviewVersions: %s, clientConfig: %s}
        """.formatted(reviewVersions, clientConfig)));
  }

  private static CustomKind kind() throws Exception {
    return kind("[v1, v1beta1]", "{url: '" + hook.url() + "', caBundle: '" + hook.caBundle() + "'}");
  }

  private static ObjectNode stored(String name, String schedule) {
    ObjectNode o = Json.object().put("apiVersion", "stable.example.com/v1").put("kind", "CronTab");
    o.putObject("metadata").put("name", name).put("namespace", "cron").put("uid", "uid-" + name)
        .put("generation", 1).put("resourceVersion", "7");
    o.putObject("spec").put("schedule", schedule);
    return o;
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static String failure(CustomKind kind, List<ObjectNode> objects, boolean list) {
    try {
      await(webhook.convert(kind, objects, "stable.example.com/v1beta1", list));
    } catch (StatusException e) {
      assertEquals(500, e.code());
      assertFalse(e.toStatus().has("reason"), "kube's conversion errors carry no reason");
      return e.getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("converted");
  }

  @Test
  void aListIsOneReviewOfTheObjectsNotYetInTheDesiredVersion() throws Exception {
    ObjectNode already = stored("c", "x");
    already.put("apiVersion", "stable.example.com/v1beta1");
    List<ObjectNode> out = await(webhook.convert(kind(), List.of(stored("a", "1 * * * *"), already,
        stored("b", "2 * * * *")), "stable.example.com/v1beta1", true));
    assertEquals(List.of(2), hook.sizes());
    var request = hook.reviews.get(0).path("request");
    assertEquals("apiextensions.k8s.io/v1", hook.reviews.get(0).path("apiVersion").asText());
    assertEquals("stable.example.com/v1beta1", request.path("desiredAPIVersion").asText());
    assertEquals(36, request.path("uid").asText().length());
    assertEquals("1 * * * *", out.get(0).at("/spec/cronSpec").asText());
    assertTrue(out.get(1) == already, "an object already in the desired version is not sent");
    assertEquals("2 * * * *", out.get(2).at("/spec/cronSpec").asText());
    assertEquals(1, out.get(2).at("/metadata/generation").asInt(), "the original metadata is kept");
    assertEquals("7", out.get(2).at("/metadata/resourceVersion").asText());
    await(webhook.convert(kind("[v2, v1beta1]", "{url: '" + hook.url() + "', caBundle: '" + hook.caBundle() + "'}"),
        List.of(stored("a", "1")), "stable.example.com/v1beta1", false));
    assertEquals("apiextensions.k8s.io/v1beta1", hook.reviews.get(1).path("apiVersion").asText(),
        "the first review version kube speaks");
  }

  @Test
  void callsShareAKeptAliveConnection() throws Exception {
    await(webhook.convert(kind(), List.of(stored("a", "1")), "stable.example.com/v1beta1", false));
    int before = hook.connections();
    for (int i = 0; i < 5; i++) {
      await(webhook.convert(kind(), List.of(stored("a", "1")), "stable.example.com/v1beta1", false));
    }
    assertEquals(before, hook.connections(), "kube-apiserver keeps its webhook connections open");
  }

  @Test
  void labelsAndAnnotationsAreTheOnlyMetadataAWebhookChanges() throws Exception {
    hook.answer = a -> {
      ObjectNode meta = (ObjectNode) a.at("/response/convertedObjects/0/metadata");
      meta.putObject("labels").put("converted", "yes");
      meta.remove("annotations");
      meta.put("resourceVersion", "1").putArray("finalizers").add("x");
      return a;
    };
    ObjectNode original = stored("a", "1");
    Json.metadata(original).putObject("annotations").put("keep", "no");
    ObjectNode out = await(webhook.convert(kind(), List.of(original), "stable.example.com/v1beta1", false)).get(0);
    assertEquals("yes", out.at("/metadata/labels/converted").asText());
    assertFalse(out.path("metadata").has("annotations"), "annotations the webhook dropped are gone");
    assertEquals("7", out.at("/metadata/resourceVersion").asText());
    assertFalse(out.path("metadata").has("finalizers"));
  }

  @Test
  void badAnswersFailInKubesWords() throws Exception {
    CustomKind kind = kind();
    String prefix = "conversion webhook for stable.example.com/v1, Kind=CronTab ";
    hook.answer = a -> {
      ((ObjectNode) a.path("response")).put("uid", "other");
      return a;
    };
    assertTrue(failure(kind, List.of(stored("a", "1")), false).startsWith(prefix + "failed: expected response.uid=\""),
        "uid");
    hook.answer = a -> a.put("apiVersion", "apiextensions.k8s.io/v1beta1");
    assertEquals(prefix + "failed: expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got "
        + "apiextensions.k8s.io/v1beta1, Kind=ConversionReview", failure(kind, List.of(stored("a", "1")), false));
    hook.answer = a -> {
      ((ObjectNode) a.path("response")).putObject("result").put("status", "Failure");
      return a;
    };
    assertEquals(prefix + "failed: response.result.status was 'Failure', not 'Success'",
        failure(kind, List.of(stored("a", "1")), false));
    hook.answer = a -> {
      ((ArrayNode) a.at("/response/convertedObjects")).remove(0);
      return a;
    };
    assertEquals(prefix + "returned 1 objects, expected 2", failure(kind, List.of(stored("a", "1"), stored("b", "2")),
        true));
    hook.answer = a -> {
      ((ObjectNode) a.at("/response/convertedObjects/1")).put("apiVersion", "stable.example.com/v1");
      return a;
    };
    assertEquals(prefix + "returned invalid converted object at index 2: invalid groupVersion (expected "
        + "stable.example.com/v1beta1, received stable.example.com/v1)",
        failure(kind, List.of(stored("a", "1"), stored("b", "2")), true));
    hook.answer = a -> {
      ((ObjectNode) a.at("/response/convertedObjects/0/metadata")).put("name", "renamed");
      return a;
    };
    assertEquals(prefix + "returned invalid object: must have the same name: a != renamed",
        failure(kind, List.of(stored("a", "1")), false));
    hook.answer = a -> {
      ((ObjectNode) a.at("/response/convertedObjects/0/metadata")).putObject("labels").put("n", 1);
      return a;
    };
    assertEquals(prefix + "returned invalid metadata: metadata.labels[n] must be a string, but is int64 in converted "
        + "object", failure(kind, List.of(stored("a", "1")), false));
    hook.answer = a -> {
      ((ObjectNode) a.at("/response/convertedObjects/0/metadata")).putObject("labels").put("n", "-bad-");
      return a;
    };
    assertEquals(prefix + "returned invalid metadata: metadata.labels: Invalid value: \"-bad-\": a valid label must "
        + "be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        + "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')", failure(kind, List.of(stored("a", "1")), false));
  }

  @Test
  void aWebhookThatCannotBeReachedFailsTheRequest() throws Exception {
    assertEquals("conversion webhook for stable.example.com/v1, Kind=CronTab failed: Post "
        + "\"https://127.0.0.1:1/convert?timeout=30s\": dial tcp 127.0.0.1:1: connect: connection refused",
        failure(kind("[v1]", "{url: 'https://127.0.0.1:1/convert'}"), List.of(stored("a", "1")), false));
    assertEquals("conversion webhook for stable.example.com/v1, Kind=CronTab failed: service \"convert\" not found",
        failure(kind("[v1]", "{service: {namespace: hooks, name: convert, port: 443}}"), List.of(stored("a", "1")),
            false));
  }
}
