package io.dekube.apiserver.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.BusSchemas;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.bus.Topics;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.dekube.store.admission.CustomResourceAdmission;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ingest consumer on a real broker with a real writer: multi-document YAML applied as
 * {@code kubectl apply --server-side} would (created, unchanged, configured), bad documents answered
 * with their error while the good ones of the same record are applied, every result valid against
 * {@code ingest-result.json}.
 */
@WithKafka
class IngestIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType NS = REGISTRY.byResourceName("namespaces").orElseThrow();
  private static final ResourceType CM = REGISTRY.byResourceName("configmaps").orElseThrow();
  private static final ResourceType DEPLOY = REGISTRY.byResourceName("deployments.apps").orElseThrow();
  private static final BusSchemas SCHEMAS = new BusSchemas();

  private static Vertx vertx;
  private static StoreClient store;
  private static IngestClient client;

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }

  @BeforeAll
  static void start(@KafkaBootstrap String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, REGISTRY.all(), (short) 1);
    }
    vertx = Vertx.vertx();
    await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap), REGISTRY,
        CustomResourceAdmission.chain(REGISTRY))));
    store = await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
    for (String ns : List.of("default", "ingest-it")) {
      store.create(NS, "", (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":\"" + ns + "\"}}"),
          WriteOptions.none()).otherwiseEmpty().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
    SharedInformers informers = SharedInformers.of(vertx);
    await(vertx.deployVerticle(new IngestVerticle(bootstrap, REGISTRY, store, t -> informers.informer(bootstrap, t))));
    client = new IngestClient(bootstrap);
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private static String workload(int replicas) {
    return """
        # the talk's app, three documents
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: ingest-it
        spec:
          replicas: %d
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: carsonoid/kube-decon:v1
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          namespace: ingest-it
        spec:
          selector: {app: web}
          ports:
          - port: 80
            targetPort: 2015
        ---   # a comment after the separator
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: web-config
        data:
          greeting: hello
        """.formatted(replicas);
  }

  private static List<ObjectNode> ingest(String text) throws Exception {
    List<ObjectNode> results = client.ingest(text, Duration.ofSeconds(60));
    for (ObjectNode r : results) {
      var unit = SCHEMAS.validateOnTopic(Topics.INGEST_RESULTS, r);
      assertTrue(unit.getValid(), BusSchemas.errors(unit) + " in " + r);
    }
    return results;
  }

  private static List<String> lines(List<ObjectNode> results) {
    return results.stream().map(IngestClient::describe).toList();
  }

  @Test
  void appliesCreatesThenLeavesUnchangedThenConfigures() throws Exception {
    assertEquals(List.of("deployment.apps/web created", "service/web created", "configmap/web-config created"),
        lines(ingest(workload(1))));
    ObjectNode cm = await(store.get(CM, "default", "web-config")); // no namespace: default
    assertEquals("hello", cm.path("data").path("greeting").asText());
    assertEquals("dekube-ingest", cm.path("metadata").path("managedFields").path(0).path("manager").asText());

    List<ObjectNode> again = ingest(workload(1));
    assertEquals(List.of("deployment.apps/web unchanged", "service/web unchanged", "configmap/web-config unchanged"),
        lines(again));
    assertEquals(3, again.get(0).path("documents").asInt());
    assertEquals("ingest-it", again.get(0).path("object").path("namespace").asText());

    assertEquals(List.of("deployment.apps/web configured", "service/web unchanged", "configmap/web-config unchanged"),
        lines(ingest(workload(3))));
    assertEquals(3, await(store.get(DEPLOY, "ingest-it", "web")).path("spec").path("replicas").asInt());
  }

  /**
   * A document in a CRD's version that a conversion webhook converts is converted as the REST API converts it: created
   * from the converted configuration, then applied to the object converted to its version, and recorded under it.
   */
  @Test
  void aDocumentInAWebhookConvertedVersionIsConvertedByTheCrdsWebhook(@KafkaBootstrap String bootstrap)
      throws Exception {
    try (io.dekube.apiserver.crd.ConversionWebhookServer hook = new io.dekube.apiserver.crd.ConversionWebhookServer()) {
      REGISTRY.serve(io.dekube.core.crd.CronTabs.webhookConverted("v1beta1", hook.url(), hook.caBundle()));
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        TopicCatalog.load().ensureTopics(bootstrap, admin, REGISTRY.all(), (short) 1);
      }
      ResourceType cronTabs = REGISTRY.byResourceName("crontabs.stable.example.com").orElseThrow();
      String doc = "apiVersion: stable.example.com/v1beta1\nkind: CronTab\nmetadata: {name: c, namespace: ingest-it}\n"
          + "spec: {cronSpec: '%s'}\n";
      assertEquals(List.of("crontab.stable.example.com/c created"), lines(ingest(doc.formatted("* * * * */5"))));
      ObjectNode stored = await(store.get(cronTabs, "ingest-it", "c"));
      assertEquals("* * * * */5", stored.at("/spec/schedule").asText(), stored.toString());
      assertEquals("stable.example.com/v1beta1", stored.at("/metadata/managedFields/0/apiVersion").asText());
      assertEquals(List.of("crontab.stable.example.com/c configured"), lines(ingest(doc.formatted("*/10 * * * *"))));
      stored = await(store.get(cronTabs, "ingest-it", "c"));
      assertEquals("*/10 * * * *", stored.at("/spec/schedule").asText(), stored.toString());
      assertEquals(1, stored.at("/metadata/managedFields").size(), "one Apply entry: " + stored);
      assertEquals("Apply", stored.at("/metadata/managedFields/0/operation").asText());
      assertTrue(hook.reviews.size() >= 3, "created: one review; configured: to v1beta1 and back");
    }
  }

  @Test
  void badDocumentsGetTheirErrorAndTheGoodOnesAreApplied() throws Exception {
    String text = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: good-1, namespace: ingest-it}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: [not, closed
        ---
        apiVersion: example.com/v1
        kind: Gadget
        metadata: {name: g}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: Not_Valid, namespace: ingest-it}
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: typo, namespace: ingest-it}
        dta: {a: b}
        ---
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: ConfigMap
          metadata: {name: good-2, namespace: ingest-it}
        - apiVersion: v1
          kind: ConfigMap
          metadata: {namespace: ingest-it}
        """;
    List<ObjectNode> results = ingest(text);
    List<String> lines = lines(results);
    assertEquals(7, results.size(), String.join("\n", lines));
    assertEquals("configmap/good-1 created", lines.get(0));
    assertEquals(400, results.get(1).path("error").path("code").asInt(), lines.get(1));
    assertEquals(404, results.get(2).path("error").path("code").asInt(), lines.get(2));
    assertTrue(lines.get(2).contains("no matches for kind \"Gadget\" in version \"example.com/v1\""), lines.get(2));
    assertEquals(422, results.get(3).path("error").path("code").asInt(), lines.get(3));
    assertTrue(lines.get(3).startsWith("Error from server (Invalid): document 3: "), lines.get(3));
    assertTrue(lines.get(4).contains(".dta: field not declared in schema"), lines.get(4));
    assertEquals("configmap/good-2 created", lines.get(5));
    assertTrue(lines.get(6).contains("resource name may not be empty"), lines.get(6));
    await(store.get(CM, "ingest-it", "good-1"));
    await(store.get(CM, "ingest-it", "good-2"));
  }

  @Test
  void aRecordWithoutDocumentsIsAnsweredWithAnError() throws Exception {
    List<ObjectNode> results = ingest("# nothing here\n---\n");
    assertEquals(1, results.size());
    assertTrue(IngestClient.describe(results.get(0)).contains("no objects passed to apply"));
  }
}
