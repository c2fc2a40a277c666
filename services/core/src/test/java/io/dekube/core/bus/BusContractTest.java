package io.dekube.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.CreateFields;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bus contract without a broker: the schemas are well-formed and named by topics.yaml, every
 * message the core types build validates, and the schemas reject what must never be on the bus
 * (so a validator that accepts everything fails this test too).
 */
class BusContractTest {

  private static final BusSchemas SCHEMAS = new BusSchemas();
  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType DEPLOYMENTS = REGISTRY.byResourceName("deployments.apps").orElseThrow();

  private static void assertValid(String schema, Object message) {
    OutputUnit out = SCHEMAS.validate(schema, message);
    assertTrue(out.getValid(), () -> schema + " rejects " + BusSchemas.toVertx(message) + BusSchemas.errors(out));
  }

  private static ObjectNode json(String s) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  private static ObjectNode pod(String name) {
    return json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\","
        + "\"uid\":\"0b6c3f7e-1\",\"labels\":{\"app\":\"web\"},\"creationTimestamp\":\"2024-01-01T00:00:00Z\"},"
        + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"dekube/web\"}]}}");
  }

  @Test
  void topicCatalogNamesAnExistingSchemaForEveryTopic() {
    TopicCatalog catalog = SCHEMAS.catalog();
    List<String> topics = new ArrayList<>(List.of(Topics.REQUESTS, Topics.REPLIES, Topics.INGEST, Topics.INGEST_RESULTS));
    REGISTRY.all().forEach(t -> topics.add(t.storeTopic()));
    for (String topic : topics) {
      String schema = catalog.schemaOf(topic);
      assertNotNull(schema, topic);
      assertTrue(BusSchemas.FILES.contains(schema.replace("schemas/", "")), topic + " -> " + schema);
    }
    assertEquals("schemas/object.json", catalog.schemaOf(PODS.storeTopic()));
  }

  @Test
  void everySchemaIsDraft202012WithItsOwnId() {
    for (String file : BusSchemas.FILES) {
      JsonObject schema = BusSchemas.load("schemas/" + file);
      assertEquals("https://json-schema.org/draft/2020-12/schema", schema.getString("$schema"), file);
      assertEquals(BusSchemas.BASE + "schemas/" + file, schema.getString("$id"), file);
      assertNotNull(schema.getString("description"), file);
    }
  }

  @Test
  void requestVerbsAreExactlyTheVerbEnum() {
    Set<String> schemaVerbs = new TreeSet<>();
    BusSchemas.load("schemas/request.json").getJsonObject("properties").getJsonObject("verb").getJsonArray("enum")
        .forEach(v -> schemaVerbs.add((String) v));
    Set<String> codeVerbs = Arrays.stream(Verb.values()).map(Verb::wire).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(codeVerbs, schemaVerbs);
  }

  static Stream<Arguments> requests() {
    ObjectNode pre = json("{\"uid\":\"u1\",\"resourceVersion\":\"42\"}");
    ObjectNode patchBody = json("{\"patch\":[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]}");
    return Stream.of(
        Arguments.of(new RequestEnvelope("r1", "c1", Verb.CREATE.wire(), "pods", "default", "web", pod("web"), null, null)),
        Arguments.of(new RequestEnvelope("r2", "c1", Verb.CREATE.wire(), "pods", "default", "",
            json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"web-\"}}"), null,
            json("{\"dryRun\":\"All\",\"fieldManager\":\"kubectl\"}"))),
        Arguments.of(new RequestEnvelope("r3", "c1", Verb.GET.wire(), "pods", "default", "web", null, null, null)),
        Arguments.of(new RequestEnvelope("r4", "c1", Verb.LIST.wire(), "deployments.apps", "", "", null, null, null)),
        Arguments.of(new RequestEnvelope("r5", "c1", Verb.UPDATE.wire(), "pods", "default", "web", pod("web"), pre, null)),
        Arguments.of(new RequestEnvelope("r6", "c1", Verb.UPDATE_STATUS.wire(), "pods", "default", "web", pod("web"),
            null, json("{}"))),
        Arguments.of(new RequestEnvelope("r7", "c1", Verb.PATCH.wire(), "deployments.apps", "default", "web", patchBody,
            null, json("{\"patchType\":\"application/json-patch+json\"}"))),
        Arguments.of(new RequestEnvelope("r8", "c1", Verb.PATCH.wire(), "pods", "default", "web",
            json("{\"patch\":{\"metadata\":{\"labels\":{\"a\":\"b\"}}}}"), null,
            json("{\"patchType\":\"application/apply-patch+yaml\",\"fieldManager\":\"kubectl\",\"force\":true}"))),
        Arguments.of(new RequestEnvelope("r9", "c1", Verb.DELETE.wire(), "pods", "default", "web", null, pre,
            json("{\"propagationPolicy\":\"Foreground\",\"gracePeriodSeconds\":0}"))),
        Arguments.of(new RequestEnvelope("r10", "c1", Verb.DELETE.wire(), "namespaces", "", "team-a", null, null,
            json("{\"dryRun\":[\"All\"]}"))),
        Arguments.of(new RequestEnvelope("r11", "c1", Verb.CREATE.wire(), "pods", "default", "",
            json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"generateName\":\"web-\"}}"), null,
            WriteOptions.none().withServerFields(new CreateFields("web-x2kqp", "6f1b7c1e-2d3a-4f5e-8a9b-0c1d2e3f4a5b",
                "2026-12-06T19:20:17Z")).optionsJson())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requests")
  void requestEnvelopesValidate(RequestEnvelope request) {
    assertValid(SCHEMAS.catalog().schemaOf(Topics.REQUESTS), request.toJson());
  }

  static Stream<Arguments> replies() {
    ObjectNode stored = pod("web");
    Json.metadata(stored).put("resourceVersion", "17");
    ObjectNode list = json("{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"metadata\":{\"resourceVersion\":\"18\"},\"items\":[]}");
    ((com.fasterxml.jackson.databind.node.ArrayNode) list.get("items")).add(stored);
    List<Arguments> cases = new ArrayList<>(List.of(
        Arguments.of(new ReplyEnvelope("r1", "c1", 201, stored, null)),
        Arguments.of(new ReplyEnvelope("r2", "c1", 200, stored, null)),
        Arguments.of(new ReplyEnvelope("r3", "c1", 200, list, null)),
        Arguments.of(new ReplyEnvelope(null, "c1", 400, null, StatusException.badRequest("unreadable request").toStatus()))));
    for (StatusException e : List.of(StatusException.notFound(PODS, "web"), StatusException.alreadyExists(PODS, "web"),
        StatusException.conflict(DEPLOYMENTS, "web", "the object has been modified"),
        StatusException.invalid(DEPLOYMENTS, "web", "spec.selector: Required value"), StatusException.tooLarge("too large"),
        StatusException.timeout("timed out"), StatusException.internal("boom"),
        new StatusException(410, "Expired", "too old resource version: 1 (5)"))) {
      cases.add(Arguments.of(new ReplyEnvelope("r", "c1", e.code(), null, e.toStatus())));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replies")
  void replyEnvelopesValidate(ReplyEnvelope reply) {
    assertValid(SCHEMAS.catalog().schemaOf(Topics.REPLIES), reply.toJson());
    assertEquals(reply.toJson(), ReplyEnvelope.fromJson(reply.toJson()).toJson());
  }

  @Test
  void sealedEnvelopesValidate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    io.dekube.core.encryption.StoreEncryption.install(io.dekube.core.encryption.EncryptionConfig.load(
        java.nio.file.Files.writeString(dir.resolve("enc.yaml"), "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [pods]\n"
        + "  providers:\n  - aescbc:\n      keys:\n      - {name: key1, secret: dGhpcyBpcyBwYXNzd29yZA==}\n")));
    try {
      for (RequestEnvelope r : List.of(new RequestEnvelope("r1", "c1", Verb.CREATE.wire(), "pods", "default", "web",
          pod("web"), null, null), new RequestEnvelope("r8", "c1", Verb.PATCH.wire(), "pods", "default", "web",
          json("{\"patch\":{}}"), null, json("{\"patchType\":\"application/merge-patch+json\"}")))) {
        ObjectNode sealed = io.dekube.core.encryption.BusEncryption.sealRequest(r.toJson());
        assertTrue(sealed.has("sealed"));
        assertValid(SCHEMAS.catalog().schemaOf(Topics.REQUESTS), sealed);
      }
      for (ReplyEnvelope r : List.of(new ReplyEnvelope("r1", "c1", 201, pod("web"), null),
          new ReplyEnvelope("r", "c1", 404, null, StatusException.notFound(PODS, "web").toStatus()))) {
        ObjectNode sealed = io.dekube.core.encryption.BusEncryption.sealReply("pods", r.toJson());
        assertTrue(sealed.has("sealed"));
        assertValid(SCHEMAS.catalog().schemaOf(Topics.REPLIES), sealed);
      }
    } finally {
      io.dekube.core.encryption.StoreEncryption.install(null);
    }
  }

  @Test
  void storeValuesValidate() throws Exception {
    String schema = SCHEMAS.catalog().schemaOf(PODS.storeTopic());
    assertValid(schema, pod("web"));
    assertValid(schema, json("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"team-a\","
        + "\"finalizers\":[\"kubernetes\"]},\"spec\":{\"finalizers\":[\"kubernetes\"]}}"));
    Pod typed = new PodBuilder().withNewMetadata().withName("typed").withNamespace("default").withUid("u")
        .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i")
        .endContainer().endSpec().build();
    assertValid(schema, Json.MAPPER.valueToTree(typed));
    assertValid(schema, Json.MAPPER.valueToTree(new DeploymentBuilder().withNewMetadata().withName("d")
        .withNamespace("default").addNewOwnerReference().withApiVersion("v1").withKind("X").withName("x").withUid("1")
        .endOwnerReference().endMetadata().withNewSpec().withReplicas(2).endSpec().build()));
  }

  @Test
  void ingestValuesAndResultsValidate() {
    assertValid(SCHEMAS.catalog().schemaOf(Topics.INGEST),
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n");
    String results = SCHEMAS.catalog().schemaOf(Topics.INGEST_RESULTS);
    assertValid(results, json("{\"index\":0,\"documents\":2,\"key\":\"k\",\"ok\":true,\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Namespace\","
        + "\"name\":\"a\",\"resourceVersion\":\"3\",\"action\":\"created\"}}"));
    assertValid(results, json("{\"index\":1,\"key\":\"k\",\"ok\":true,\"source\":{\"topic\":\"dekube.ingest\",\"partition\":0,"
        + "\"offset\":9},\"object\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"namespace\":\"default\","
        + "\"name\":\"web\",\"resourceVersion\":\"4\"}}"));
    ObjectNode error = json("{\"index\":2,\"key\":\"\",\"ok\":false}");
    error.set("error", StatusException.invalid(DEPLOYMENTS, "web", "spec.template: Required value").toStatus());
    assertValid(results, error);
  }

  /** What must never validate: schema, message, why. */
  static Stream<Arguments> rejected() {
    String pod = pod("web").toString();
    return Stream.of(
        Arguments.of("object.json", pod.replace("\"uid\"", "\"resourceVersion\":\"5\",\"uid\""),
            "a store value with metadata.resourceVersion"),
        Arguments.of("object.json", pod.replace("\"name\":\"web\",", ""), "a store value without metadata.name"),
        Arguments.of("object.json", pod.replace("\"name\":\"web\",", "\"generateName\":\"web-\","),
            "a store value with generateName only"),
        Arguments.of("object.json", pod.replace("\"kind\":\"Pod\",", ""), "a store value without kind"),
        Arguments.of("object.json", pod.replace("\"app\":\"web\"", "\"app\":5"), "a non-string label value"),
        Arguments.of("request.json", "{\"requester\":\"c\",\"verb\":\"get\",\"resource\":\"pods\",\"name\":\"x\"}", "no id"),
        Arguments.of("request.json", "{\"id\":\"1\",\"requester\":\"c\",\"verb\":\"watch\",\"resource\":\"pods\"}",
            "an unknown verb"),
        Arguments.of("request.json", "{\"id\":\"1\",\"requester\":\"c\",\"verb\":\"list\",\"resource\":\"pods\",\"extra\":1}",
            "an unknown envelope field"),
        Arguments.of("request.json", "{\"id\":\"1\",\"requester\":\"c\",\"verb\":\"create\",\"resource\":\"pods\"}",
            "a create without body"),
        Arguments.of("request.json", "{\"id\":\"1\",\"requester\":\"c\",\"verb\":\"get\",\"resource\":\"pods\",\"name\":\"\"}",
            "a get without name"),
        Arguments.of("request.json", "{\"id\":\"1\",\"requester\":\"c\",\"verb\":\"patch\",\"resource\":\"pods\",\"name\":\"x\","
            + "\"body\":{\"patch\":{}}}", "a patch without patchType"),
        Arguments.of("request.json", "{\"id\":\"1\",\"requester\":\"c\",\"verb\":\"delete\",\"resource\":\"pods\",\"name\":\"x\","
            + "\"preconditions\":{\"resourceVersion\":5}}", "a numeric resourceVersion precondition"),
        Arguments.of("request.json", "{\"id\":\"1\",\"requester\":\"c\",\"verb\":\"list\",\"resource\":\"Pods\"}",
            "a resource name that is not lower case"),
        Arguments.of("request.json", "{\"id\":\"1\",\"requester\":\"c\",\"verb\":\"create\",\"resource\":\"pods\","
            + "\"body\":{},\"options\":{\"serverFields\":{\"uid\":\"u\",\"generation\":1}}}",
            "a server field the writer does not take"),
        Arguments.of("reply.json", "{\"requestId\":\"1\",\"requester\":\"c\",\"code\":200}", "neither object nor status"),
        Arguments.of("reply.json", "{\"requestId\":\"1\",\"requester\":\"c\",\"code\":200,\"object\":{\"apiVersion\":\"v1\","
            + "\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"resourceVersion\":\"abc\"}}}",
            "an object with a resourceVersion that is not an offset"),
        Arguments.of("reply.json", "{\"requestId\":\"1\",\"requester\":\"c\",\"code\":404,\"object\":{\"apiVersion\":\"v1\","
            + "\"kind\":\"Pod\",\"metadata\":{\"resourceVersion\":\"1\"}}}", "an error code with an object"),
        Arguments.of("reply.json", "{\"requestId\":\"1\",\"requester\":\"c\",\"code\":404,\"status\":{\"kind\":\"Status\","
            + "\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"m\",\"code\":404}}", "a Status without reason"),
        Arguments.of("ingest.json", "{\"apiVersion\":\"v1\"}", "an ingest value that is a JSON object, not text"),
        Arguments.of("ingest.json", "\"\"", "an empty ingest value"),
        Arguments.of("ingest-result.json", "{\"index\":0,\"key\":\"k\",\"ok\":true}", "ok without an object ref"),
        Arguments.of("ingest-result.json", "{\"index\":0,\"key\":\"k\",\"ok\":false,\"object\":{\"apiVersion\":\"v1\","
            + "\"kind\":\"Pod\",\"name\":\"x\",\"resourceVersion\":\"1\"}}", "a failure without an error Status"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("rejected")
  void schemasRejectWhatMustNotBeOnTheBus(String schema, String message, String why) throws Exception {
    JsonNode node = Json.MAPPER.readTree(message);
    OutputUnit out = SCHEMAS.validate(schema, node);
    assertFalse(out.getValid(), schema + " accepts " + why);
  }
}
