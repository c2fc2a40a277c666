package io.dekube.store.writer;

import static io.dekube.store.writer.TestStore.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.RequestEnvelope;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.store.WriteOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestProcessorTest {

  private final TestStore store = new TestStore();

  private static ObjectNode cm(String ns, String name, String value) {
    ObjectNode o = obj(ns, name);
    o.putObject("data").put("k", value);
    return o;
  }

  private static ObjectNode deployment(String ns, String name, int replicas) {
    ObjectNode o = obj(ns, name);
    o.putObject("spec").put("replicas", replicas);
    return o;
  }

  private ReplyEnvelope create(String resource, ObjectNode o) {
    return store.run(store.req(Verb.CREATE, resource, o.path("metadata").path("namespace").asText(""),
        o.path("metadata").path("name").asText(""), o));
  }

  private static String rv(ReplyEnvelope r) {
    return r.object().path("metadata").path("resourceVersion").asText();
  }

  private static void assertFailure(ReplyEnvelope r, int code, String reason, String message) {
    assertEquals(code, r.code(), () -> String.valueOf(r.status()));
    assertFalse(r.ok());
    assertEquals(reason, r.status().path("reason").asText());
    if (message != null) {
      assertEquals(message, r.status().path("message").asText());
    }
  }

  @Test
  void createFillsServerFieldsAndStoresNoResourceVersion() {
    ObjectNode body = cm("ns1", "a", "1");
    Json.metadata(body).put("uid", "client-uid").put("resourceVersion", "77").put("creationTimestamp", "1999-01-01T00:00:00Z");
    ReplyEnvelope r = create("configmaps", body);
    assertEquals(201, r.code());
    ObjectNode m = (ObjectNode) r.object().get("metadata");
    assertEquals("0", m.get("resourceVersion").asText());
    assertFalse(m.has("generation"), "a ConfigMap has no generation, as in kube");
    assertEquals("2025-01-02T03:04:05Z", m.get("creationTimestamp").asText());
    assertNotEquals("client-uid", m.get("uid").asText());
    assertEquals(36, m.get("uid").asText().length());
    assertEquals("v1", r.object().get("apiVersion").asText());
    assertEquals("ConfigMap", r.object().get("kind").asText());
    StoreWrite w = store.written.get(0);
    assertEquals("ns1/a", w.key());
    assertFalse(w.object().path("metadata").has("resourceVersion"));
    assertFalse(new String(w.value()).contains("resourceVersion"));
  }

  @Test
  void createOfExistingIsAlreadyExists() {
    create("configmaps", cm("ns1", "a", "1"));
    assertFailure(create("configmaps", cm("ns1", "a", "2")), 409, "AlreadyExists", "configmaps \"a\" already exists");
    assertEquals(1, store.written.size());
  }

  @Test
  void createTakesNamespaceFromRequestAndRejectsMismatch() {
    ReplyEnvelope r = store.run(store.req(Verb.CREATE, "configmaps", "ns1", "a", cm(null, "a", "1")));
    assertEquals("ns1", r.object().path("metadata").path("namespace").asText());
    assertFailure(store.run(store.req(Verb.CREATE, "configmaps", "ns2", "b", cm("ns1", "b", "1"))), 400,
        "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
  }

  @Test
  void createRejectsAnotherKind() {
    ObjectNode body = cm("ns1", "a", "1").put("kind", "Secret");
    assertFailure(create("configmaps", body), 400, "BadRequest", null);
  }

  @Test
  void generateNameAddsFiveCharactersOfKubesAlphabet() {
    ObjectNode body = cm("ns1", null, "1");
    Json.metadata(body).put("generateName", "web-");
    ReplyEnvelope r = create("configmaps", body);
    String name = r.object().path("metadata").path("name").asText();
    assertTrue(name.matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}"), name);
  }

  @Test
  void generateNameRetriesOnCollision() {
    // the random source yields index 0 ("b") five times, then index 1 ("c")
    int[] seq = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
    TestStore s = new TestStore(new java.util.random.RandomGenerator() {
      int i;

      @Override
      public long nextLong() {
        return 7;
      }

      @Override
      public int nextInt(int bound) {
        return seq[i++ % seq.length];
      }
    });
    s.run(s.req(Verb.CREATE, "configmaps", "ns1", "web-bbbbb", cm("ns1", "web-bbbbb", "x")));
    ObjectNode body = cm("ns1", null, "1");
    Json.metadata(body).put("generateName", "web-");
    ReplyEnvelope r = s.run(s.req(Verb.CREATE, "configmaps", "ns1", "", body));
    assertEquals(201, r.code(), () -> String.valueOf(r.status()));
    assertEquals("web-ccccc", r.object().path("metadata").path("name").asText());
  }

  @Test
  void invalidNameIs422() {
    assertFailure(create("configmaps", cm("ns1", "Foo", "1")), 422, "Invalid",
        "ConfigMap \"Foo\" is invalid: metadata.name: Invalid value: \"Foo\": a lowercase RFC 1123 subdomain must "
            + "consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
            + "character (e.g. 'example.com', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  }

  @Test
  void updateWithStaleResourceVersionIsConflict() {
    ReplyEnvelope c = create("configmaps", cm("ns1", "a", "1"));
    ObjectNode v1 = c.object().deepCopy();
    ((ObjectNode) v1.get("data")).put("k", "2");
    ReplyEnvelope u = store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", v1));
    assertEquals(200, u.code());
    assertNotEquals(rv(c), rv(u));
    ObjectNode stale = c.object().deepCopy();
    ((ObjectNode) stale.get("data")).put("k", "3");
    assertFailure(store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", stale)), 409, "Conflict",
        "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to "
            + "the latest version and try again");
  }

  @Test
  void updateWithoutResourceVersionIsUnconditional() {
    create("configmaps", cm("ns1", "a", "1"));
    ReplyEnvelope u = store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", cm("ns1", "a", "9")));
    assertEquals(200, u.code());
    assertEquals("9", u.object().path("data").path("k").asText());
  }

  @Test
  void updateKeepsServerFieldsAndChecksUid() {
    ReplyEnvelope c = create("configmaps", cm("ns1", "a", "1"));
    ObjectNode body = cm("ns1", "a", "2");
    Json.metadata(body).put("creationTimestamp", "1999-01-01T00:00:00Z");
    ReplyEnvelope u = store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", body));
    assertEquals(c.object().path("metadata").path("uid"), u.object().path("metadata").path("uid"));
    assertEquals("2025-01-02T03:04:05Z", u.object().path("metadata").path("creationTimestamp").asText());
    ObjectNode wrongUid = cm("ns1", "a", "3");
    Json.metadata(wrongUid).put("uid", "not-the-uid");
    assertFailure(store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", wrongUid)), 409, "Conflict", null);
  }

  @Test
  void uidPreconditionIsConflict() {
    create("configmaps", cm("ns1", "a", "1"));
    ReplyEnvelope r = store.run(store.req(Verb.DELETE, "configmaps", "ns1", "a", null,
        WriteOptions.none().withUid("other")));
    assertFailure(r, 409, "Conflict", null);
    assertTrue(r.status().path("message").asText().contains("Precondition failed: UID in precondition: other"));
  }

  @Test
  void resourceVersionPreconditionIsConflict() {
    ReplyEnvelope c = create("configmaps", cm("ns1", "a", "1"));
    assertFailure(store.run(store.req(Verb.DELETE, "configmaps", "ns1", "a", null,
        WriteOptions.none().withResourceVersion("12345"))), 409, "Conflict", null);
    assertEquals(200, store.run(store.req(Verb.DELETE, "configmaps", "ns1", "a", null,
        WriteOptions.none().withResourceVersion(rv(c)))).code());
  }

  @Test
  void updateOfMissingIsNotFound() {
    assertFailure(store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "nope", cm("ns1", "nope", "1"))), 404,
        "NotFound", "configmaps \"nope\" not found");
  }

  @Test
  void generationBumpsOnlyWhenSpecChanges() {
    create("deployments.apps", deployment("ns1", "web", 1));
    ObjectNode labelsOnly = deployment("ns1", "web", 1);
    Json.metadata(labelsOnly).putObject("labels").put("app", "web");
    ReplyEnvelope u1 = store.run(store.req(Verb.UPDATE, "deployments.apps", "ns1", "web", labelsOnly));
    assertEquals(1, u1.object().path("metadata").path("generation").asInt());
    ObjectNode scaled = u1.object().deepCopy();
    ((ObjectNode) scaled.get("spec")).put("replicas", 3);
    ReplyEnvelope u2 = store.run(store.req(Verb.UPDATE, "deployments.apps", "ns1", "web", scaled));
    assertEquals(2, u2.object().path("metadata").path("generation").asInt());
    ObjectNode annotated = u2.object().deepCopy();
    Json.metadata(annotated).putObject("annotations").put("note", "copied to the ReplicaSets");
    ReplyEnvelope u3 = store.run(store.req(Verb.UPDATE, "deployments.apps", "ns1", "web", annotated));
    assertEquals(3, u3.object().path("metadata").path("generation").asInt(), "a Deployment's annotations bump it");
  }

  @Test
  void aDeploymentsStatusWriteMovesItsAnnotationsWithoutANewGeneration() {
    create("deployments.apps", deployment("ns1", "web", 1));
    ObjectNode revised = deployment("ns1", "web", 5);
    Json.metadata(revised).putObject("annotations").put("deployment.kubernetes.io/revision", "1");
    Json.metadata(revised).putObject("labels").put("ignored", "yes");
    revised.putObject("status").put("observedGeneration", 1);
    ReplyEnvelope s = store.run(store.req(Verb.UPDATE_STATUS, "deployments.apps", "ns1", "web", revised));
    assertEquals(200, s.code(), () -> String.valueOf(s.status()));
    assertEquals("1", s.object().at("/metadata/annotations/deployment.kubernetes.io~1revision").asText());
    assertFalse(s.object().path("metadata").has("labels"), "labels stay as stored");
    assertEquals(1, s.object().path("spec").path("replicas").asInt(), "the spec stays as stored");
    assertEquals(1, s.object().path("metadata").path("generation").asInt());
  }

  @Test
  void kindsWithoutAGenerationNeverGetOne() {
    ObjectNode body = cm("ns1", "a", "1");
    Json.metadata(body).put("generation", 7);
    ReplyEnvelope c = create("configmaps", body);
    assertFalse(c.object().path("metadata").has("generation"), "a client's generation is dropped");
    ObjectNode changed = cm("ns1", "a", "2");
    Json.metadata(changed).put("generation", 9);
    ReplyEnvelope u = store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", changed));
    assertEquals(200, u.code());
    assertFalse(u.object().path("metadata").has("generation"), "nor set by an update");
  }

  @Test
  void updateIgnoresStatusAndUpdateStatusChangesOnlyStatus() {
    create("deployments.apps", deployment("ns1", "web", 1));
    ObjectNode withStatus = deployment("ns1", "web", 2);
    withStatus.putObject("status").put("replicas", 5);
    ReplyEnvelope u = store.run(store.req(Verb.UPDATE, "deployments.apps", "ns1", "web", withStatus));
    assertEquals(2, u.object().path("spec").path("replicas").asInt());
    assertFalse(u.object().has("status"));

    ObjectNode statusBody = deployment("ns1", "web", 9);
    statusBody.putObject("status").put("replicas", 2);
    ReplyEnvelope s = store.run(store.req(Verb.UPDATE_STATUS, "deployments.apps", "ns1", "web", statusBody));
    assertEquals(200, s.code());
    assertEquals(2, s.object().path("spec").path("replicas").asInt());
    assertEquals(2, s.object().path("status").path("replicas").asInt());
    assertEquals(2, s.object().path("metadata").path("generation").asInt());
  }

  @Test
  void noOpUpdateWritesNothing() {
    ReplyEnvelope c = create("configmaps", cm("ns1", "a", "1"));
    ReplyEnvelope u = store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", c.object().deepCopy()));
    assertEquals(200, u.code());
    assertEquals(rv(c), rv(u));
    assertEquals(1, store.written.size());
  }

  @Test
  void deleteWithoutFinalizersWritesTombstoneWithUid() {
    ReplyEnvelope c = create("configmaps", cm("ns1", "a", "1"));
    ReplyEnvelope d = store.run(store.req(Verb.DELETE, "configmaps", "ns1", "a", null));
    assertEquals(200, d.code());
    StoreWrite t = store.written.get(1);
    assertTrue(t.tombstone());
    assertNull(t.value());
    assertEquals(c.object().path("metadata").path("uid").asText(), t.uid());
    assertEquals("1", rv(d));
    assertFailure(store.run(store.req(Verb.GET, "configmaps", "ns1", "a", null)), 404, "NotFound", null);
    assertFailure(store.run(store.req(Verb.DELETE, "configmaps", "ns1", "a", null)), 404, "NotFound", null);
  }

  @Test
  void finalizersDeferDeletionUntilTheLastOneIsRemoved() {
    ObjectNode body = cm("ns1", "a", "1");
    Json.metadata(body).putArray("finalizers").add("example.com/a").add("example.com/b");
    create("configmaps", body);
    ReplyEnvelope d = store.run(store.req(Verb.DELETE, "configmaps", "ns1", "a", null,
        WriteOptions.none().withGracePeriodSeconds(0L)));
    assertEquals(200, d.code());
    ObjectNode m = (ObjectNode) d.object().get("metadata");
    assertEquals("2025-01-02T03:04:05Z", m.path("deletionTimestamp").asText());
    assertEquals(0, m.path("deletionGracePeriodSeconds").asInt());
    assertFalse(m.has("generation"), "a ConfigMap has none to bump");
    assertFalse(store.written.get(1).tombstone());

    // a second delete changes nothing
    ReplyEnvelope again = store.run(store.req(Verb.DELETE, "configmaps", "ns1", "a", null));
    assertEquals(rv(d), rv(again));

    // adding a finalizer now is forbidden
    ObjectNode more = d.object().deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) more.get("metadata").get("finalizers")).add("example.com/c");
    assertFailure(store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", more)), 422, "Invalid", null);

    // the update cannot clear deletionTimestamp; removing one finalizer keeps the object
    ObjectNode one = d.object().deepCopy();
    ((ObjectNode) one.get("metadata")).remove("deletionTimestamp");
    ((ObjectNode) one.get("metadata")).putArray("finalizers").add("example.com/b");
    ReplyEnvelope u = store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", one));
    assertEquals(200, u.code(), () -> String.valueOf(u.status()));
    assertEquals("2025-01-02T03:04:05Z", u.object().path("metadata").path("deletionTimestamp").asText());

    ObjectNode none = u.object().deepCopy();
    ((ObjectNode) none.get("metadata")).putArray("finalizers");
    ReplyEnvelope last = store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", none));
    assertEquals(200, last.code());
    assertTrue(store.written.get(store.written.size() - 1).tombstone());
    assertFailure(store.run(store.req(Verb.GET, "configmaps", "ns1", "a", null)), 404, "NotFound", null);
  }

  /** A pod bound to node n1 that a Job's tracking finalizer keeps. */
  private static ObjectNode trackedPodOnANode(String name) {
    ObjectNode pod = obj("ns1", name);
    Json.metadata(pod).putArray("finalizers").add("batch.kubernetes.io/job-tracking");
    pod.putObject("spec").put("nodeName", "n1").putArray("containers").addObject().put("name", "c").put("image", "x");
    return pod;
  }

  @Test
  void aRunningPodAFinalizerKeepsGoesOnlyAfterItsKubeletsFinalDelete() {
    create("pods", trackedPodOnANode("p"));
    ReplyEnvelope d = store.run(store.req(Verb.DELETE, "pods", "ns1", "p", null));
    assertEquals(30, d.object().at("/metadata/deletionGracePeriodSeconds").asInt());

    // the finalizer goes while the kubelet still stops the pod: the pod stays, Terminating
    ObjectNode none = d.object().deepCopy();
    ((ObjectNode) none.get("metadata")).putArray("finalizers");
    ReplyEnvelope u = store.run(store.req(Verb.UPDATE, "pods", "ns1", "p", none));
    assertEquals(200, u.code(), () -> String.valueOf(u.status()));
    assertFalse(store.written.get(store.written.size() - 1).tombstone());

    // the kubelet's final delete (grace 0) removes it
    store.run(store.req(Verb.DELETE, "pods", "ns1", "p", null, WriteOptions.none().withGracePeriodSeconds(0L)));
    assertTrue(store.written.get(store.written.size() - 1).tombstone());
  }

  @Test
  void theKubeletsFinalDeleteOfAPodAFinalizerKeepsSetsItsGraceToZero() {
    create("pods", trackedPodOnANode("q"));
    ReplyEnvelope d = store.run(store.req(Verb.DELETE, "pods", "ns1", "q", null));
    ReplyEnvelope last = store.run(store.req(Verb.DELETE, "pods", "ns1", "q", null,
        WriteOptions.none().withGracePeriodSeconds(0L)));
    assertEquals(0, last.object().at("/metadata/deletionGracePeriodSeconds").asInt());
    assertEquals(java.time.Instant.parse(d.object().at("/metadata/deletionTimestamp").asText()).minusSeconds(30),
        java.time.Instant.parse(last.object().at("/metadata/deletionTimestamp").asText()));
    ObjectNode none = last.object().deepCopy();
    ((ObjectNode) none.get("metadata")).putArray("finalizers");
    store.run(store.req(Verb.UPDATE, "pods", "ns1", "q", none));
    assertTrue(store.written.get(store.written.size() - 1).tombstone());
  }

  @Test
  void propagationPolicyAddsGarbageCollectorFinalizers() {
    create("configmaps", cm("ns1", "a", "1"));
    ReplyEnvelope d = store.run(store.req(Verb.DELETE, "configmaps", "ns1", "a", null,
        WriteOptions.none().withPropagationPolicy("Orphan")));
    assertEquals("orphan", d.object().path("metadata").path("finalizers").path(0).asText());
    assertTrue(d.object().path("metadata").has("deletionTimestamp"));
  }

  @Test
  void aReplicationControllerOrphansItsPodsUnlessTheDeleteSaysOtherwise() {
    create("replicationcontrollers", deployment("ns1", "rc", 1));
    ReplyEnvelope d = store.run(store.req(Verb.DELETE, "replicationcontrollers", "ns1", "rc", null));
    assertEquals("orphan", d.object().path("metadata").path("finalizers").path(0).asText());
    create("replicationcontrollers", deployment("ns1", "bg", 1));
    ReplyEnvelope bg = store.run(store.req(Verb.DELETE, "replicationcontrollers", "ns1", "bg", null,
        WriteOptions.none().withPropagationPolicy("Background")));
    assertEquals(200, bg.code());
    assertTrue(store.written.get(store.written.size() - 1).tombstone());
    create("configmaps", cm("ns1", "a", "1"));
    store.run(store.req(Verb.DELETE, "configmaps", "ns1", "a", null));
    assertTrue(store.written.get(store.written.size() - 1).tombstone(), "other kinds default to Background");
  }

  @Test
  void aReplicationControllersGenerationCountsSpecChangesOnly() {
    ReplyEnvelope c = create("replicationcontrollers", deployment("ns1", "rc", 1));
    assertEquals(1, c.object().at("/metadata/generation").asLong());
    ObjectNode scaled = c.object().deepCopy();
    ((ObjectNode) scaled.get("spec")).put("replicas", 3);
    ReplyEnvelope u = store.run(store.req(Verb.UPDATE, "replicationcontrollers", "ns1", "rc", scaled));
    assertEquals(2, u.object().at("/metadata/generation").asLong());
    ObjectNode status = u.object().deepCopy();
    status.putObject("status").put("replicas", 3).put("observedGeneration", 2);
    ReplyEnvelope s = store.run(store.req(Verb.UPDATE_STATUS, "replicationcontrollers", "ns1", "rc", status));
    assertEquals(200, s.code(), () -> String.valueOf(s.status()));
    assertEquals(2, s.object().at("/metadata/generation").asLong());
    assertEquals(2, s.object().at("/status/observedGeneration").asLong());
  }

  /** Serves {@code crontabs<suffix>.stable.example.com}, with the status subresource or without. */
  private static void serveCronTabs(String plural, boolean statusSubresource) throws Exception {
    ObjectNode crd = (ObjectNode) Json.YAML.readTree("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: %s.stable.example.com}
        spec:
          group: stable.example.com
          scope: Namespaced
          names: {plural: %s, singular: %s, kind: CronTab}
          versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            %s
        """.formatted(plural, plural, plural.substring(0, plural.length() - 1),
        statusSubresource ? "subresources: {status: {}}" : ""));
    TestStore.REGISTRY.serve(io.dekube.core.crd.CrdParser.kind(crd));
  }

  private static ObjectNode cronTab(String name, String schedule, String phase) {
    ObjectNode o = obj("ns1", name);
    o.put("apiVersion", "stable.example.com/v1").put("kind", "CronTab");
    o.putObject("spec").put("cronSpec", schedule);
    if (phase != null) {
      o.putObject("status").put("phase", phase);
    }
    return o;
  }

  /** A store with the writer's admission chain, custom kinds included. */
  private final TestStore admitting = new TestStore(
      io.dekube.store.admission.CustomResourceAdmission.chain(TestStore.REGISTRY),
      io.dekube.store.admission.ResourceQuotaAdmission.none());

  private ReplyEnvelope write(Verb verb, String resource, ObjectNode o) {
    ReplyEnvelope r = admitting.run(admitting.req(verb, resource, "ns1", o.path("metadata").path("name").asText(), o));
    assertTrue(r.ok(), () -> String.valueOf(r.status()));
    return r;
  }

  private static long generation(ReplyEnvelope r) {
    return r.object().at("/metadata/generation").asLong();
  }

  @Test
  void aCustomResourceWithTheStatusSubresourceCountsSpecChangesOnly() throws Exception {
    serveCronTabs("crontabsws", true);
    String res = "crontabsws.stable.example.com";
    ReplyEnvelope c = write(Verb.CREATE, res, cronTab("c", "* * * * */5", "Given"));
    assertEquals(1, generation(c));
    assertFalse(c.object().has("status"), "a create through the main resource drops the status, as kube's PrepareForCreate");
    ObjectNode statusOnly = c.object().deepCopy();
    statusOnly.putObject("status").put("phase", "Changed");
    Json.metadata(statusOnly).putObject("labels").put("a", "b");
    ReplyEnvelope u = write(Verb.UPDATE, res, statusOnly);
    assertEquals(1, generation(u), "status changes through the main resource are ignored");
    assertFalse(u.object().has("status"));
    assertEquals("b", u.object().at("/metadata/labels/a").asText(), "metadata is taken");
    ObjectNode status = u.object().deepCopy();
    status.putObject("status").put("phase", "Running");
    ((ObjectNode) status.get("spec")).put("cronSpec", "ignored");
    Json.metadata(status).putObject("labels").put("a", "ignored");
    ReplyEnvelope s = write(Verb.UPDATE_STATUS, res, status);
    assertEquals(1, generation(s), "a /status write never bumps it");
    assertEquals("Running", s.object().at("/status/phase").asText());
    assertEquals("* * * * */5", s.object().at("/spec/cronSpec").asText(), "only the status is taken");
    assertEquals("b", s.object().at("/metadata/labels/a").asText(), "labels too stay, as kube's statusStrategy");
    ObjectNode spec = s.object().deepCopy();
    ((ObjectNode) spec.get("spec")).put("cronSpec", "*/10 * * * *");
    spec.remove("status");
    ReplyEnvelope u2 = write(Verb.UPDATE, res, spec);
    assertEquals(2, generation(u2));
    assertEquals("Running", u2.object().at("/status/phase").asText(), "the status is kept from the old object");
  }

  @Test
  void aCustomResourceWithoutTheStatusSubresourceCountsStatusAsSpec() throws Exception {
    serveCronTabs("crontabsns", false);
    String res = "crontabsns.stable.example.com";
    ReplyEnvelope c = write(Verb.CREATE, res, cronTab("c", "* * * * */5", "Given"));
    assertEquals(1, generation(c));
    assertEquals("Given", c.object().at("/status/phase").asText(), "no subresource: status is an ordinary field");
    ObjectNode labels = c.object().deepCopy();
    Json.metadata(labels).putObject("labels").put("a", "b");
    assertEquals(1, generation(write(Verb.UPDATE, res, labels)), "metadata changes do not bump it");
    ObjectNode status = c.object().deepCopy();
    status.putObject("status").put("phase", "Running");
    Json.metadata(status).remove("resourceVersion");
    assertEquals(2, generation(write(Verb.UPDATE, res, status)));
  }

  /**
   * kube serves each version of a CRD with its own subresources and schema: a write in v2 (no status subresource, a
   * stricter schema with a default) is admitted as v2's handler admits it, the objects stay in v1, and its
   * managedFields name v2.
   */
  @Test
  void aWriteInAnotherServedVersionIsAdmittedAndRecordedAsThatVersion() throws Exception {
    TestStore.REGISTRY.serve(io.dekube.core.crd.CrdParser.kind(Json.YAML.readTree("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: crontabvs.stable.example.com}
        spec:
          group: stable.example.com
          scope: Namespaced
          names: {plural: crontabvs, singular: crontabv, kind: CronTab}
          versions:
          - name: v1
            served: true
            storage: true
            subresources: {status: {}}
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
          - name: v2
            served: true
            storage: false
            schema: {openAPIV3Schema: {type: object, properties: {
              spec: {type: object, properties: {cronSpec: {type: string, maxLength: 11}, replicas: {type: integer,
                default: 1}}},
              status: {type: object, x-kubernetes-preserve-unknown-fields: true}}}}
        """)));
    String res = "crontabvs.stable.example.com";
    WriteOptions v2 = WriteOptions.none().withFieldManager("kubectl").withApiVersion("stable.example.com/v2");
    ReplyEnvelope c = admitting.run(admitting.req(Verb.CREATE, res, "ns1", "c", cronTab("c", "* * * * */5", "Given"),
        v2));
    assertTrue(c.ok(), () -> String.valueOf(c.status()));
    assertEquals("stable.example.com/v1", c.object().path("apiVersion").asText(), "stored in the storage version");
    assertEquals("Given", c.object().at("/status/phase").asText(), "v2 has no status subresource: a create keeps it");
    assertEquals(1, c.object().at("/spec/replicas").asInt(), "v2's default");
    assertEquals("stable.example.com/v2", c.object().at("/metadata/managedFields/0/apiVersion").asText());
    ObjectNode status = c.object().deepCopy();
    ((ObjectNode) status.get("status")).put("phase", "Running");
    ReplyEnvelope u = admitting.run(admitting.req(Verb.UPDATE, res, "ns1", "c", status, v2));
    assertEquals("Running", u.object().at("/status/phase").asText(), "the status is an ordinary field of v2");
    assertEquals(2, generation(u), "and so counts as spec");
    ObjectNode tooLong = cronTab("d", "* * * * * * * *", null);
    ReplyEnvelope refused = admitting.run(admitting.req(Verb.CREATE, res, "ns1", "d", tooLong, v2));
    assertFailure(refused, 422, "Invalid", "CronTab.stable.example.com \"d\" is invalid: spec.cronSpec: Too long: "
        + "may not be more than 11 bytes");
    ReplyEnvelope inV1 = write(Verb.CREATE, res, cronTab("d", "* * * * * * * *", "Given"));
    assertFalse(inV1.object().has("status"), "v1's status subresource: a create drops it");
    assertFalse(inV1.object().at("/spec").has("replicas"), "v1's schema has no default");
    ObjectNode applied = cronTab("e", "1 * * * *", null);
    applied.put("apiVersion", "stable.example.com/v1");
    ObjectNode body = Json.object();
    body.set("patch", applied);
    ReplyEnvelope a = admitting.run(admitting.withOption(admitting.req(Verb.PATCH, res, "ns1", "e", body,
        v2.withForce(true)), "patchType", "application/apply-patch+yaml"));
    assertTrue(a.ok(), () -> String.valueOf(a.status()));
    assertEquals("Apply", a.object().at("/metadata/managedFields/0/operation").asText());
    assertEquals("stable.example.com/v2", a.object().at("/metadata/managedFields/0/apiVersion").asText(),
        "an apply in v2 is recorded as v2's");
  }

  @Test
  void dryRunValidatesAndAnswersButWritesNothing() {
    WriteOptions dry = WriteOptions.none().withDryRun(true);
    ReplyEnvelope c = store.run(store.req(Verb.CREATE, "configmaps", "ns1", "a", cm("ns1", "a", "1"), dry));
    assertEquals(201, c.code());
    assertEquals("a", c.object().path("metadata").path("name").asText());
    assertTrue(store.written.isEmpty());
    assertFailure(store.run(store.req(Verb.CREATE, "configmaps", "ns1", "B", cm("ns1", "B", "1"), dry)), 422,
        "Invalid", null);
    create("configmaps", cm("ns1", "a", "1"));
    assertEquals(200, store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", cm("ns1", "a", "2"), dry)).code());
    assertEquals(200, store.run(store.req(Verb.DELETE, "configmaps", "ns1", "a", null, dry)).code());
    assertEquals(1, store.written.size());
    assertEquals("1", store.run(store.req(Verb.GET, "configmaps", "ns1", "a", null)).object().path("data")
        .path("k").asText());
  }

  @Test
  void laterRequestsOfABatchSeeEarlierOnes() {
    List<ReplyEnvelope> r = store.batch(
        store.req(Verb.CREATE, "configmaps", "ns1", "a", cm("ns1", "a", "1")),
        store.req(Verb.GET, "configmaps", "ns1", "a", null),
        store.req(Verb.CREATE, "configmaps", "ns1", "a", cm("ns1", "a", "2")),
        store.req(Verb.UPDATE, "configmaps", "ns1", "a", cm("ns1", "a", "3")),
        store.req(Verb.LIST, "configmaps", "ns1", "", null));
    assertEquals(201, r.get(0).code());
    assertEquals(200, r.get(1).code());
    assertEquals(rv(r.get(0)), rv(r.get(1)));
    assertEquals(409, r.get(2).code());
    assertEquals(200, r.get(3).code());
    assertEquals("1", rv(r.get(3)));
    assertEquals("1", r.get(4).object().path("metadata").path("resourceVersion").asText());
    assertEquals("3", r.get(4).object().path("items").path(0).path("data").path("k").asText());
  }

  @Test
  void resourceVersionOfAWriteInTheSameBatchCannotMatch() {
    ReplyEnvelope c = create("configmaps", cm("ns1", "a", "1"));
    ObjectNode first = c.object().deepCopy();
    ((ObjectNode) first.get("data")).put("k", "2");
    ObjectNode second = c.object().deepCopy();
    ((ObjectNode) second.get("data")).put("k", "3");
    List<ReplyEnvelope> r = store.batch(store.req(Verb.UPDATE, "configmaps", "ns1", "a", first),
        store.req(Verb.UPDATE, "configmaps", "ns1", "a", second));
    assertEquals(200, r.get(0).code());
    assertEquals(409, r.get(1).code());
  }

  @Test
  void listAnswersAKindListWithTheStoresLastOffset() {
    create("configmaps", cm("ns1", "b", "1"));
    ObjectNode labelled = cm("ns1", "a", "1");
    Json.metadata(labelled).putObject("labels").put("app", "web");
    create("configmaps", labelled);
    create("configmaps", cm("ns2", "c", "1"));
    ReplyEnvelope all = store.run(store.req(Verb.LIST, "configmaps", "", "", null));
    assertEquals("ConfigMapList", all.object().path("kind").asText());
    assertEquals("v1", all.object().path("apiVersion").asText());
    assertEquals("2", all.object().path("metadata").path("resourceVersion").asText());
    assertEquals(3, all.object().path("items").size());
    assertEquals("a", all.object().path("items").path(0).path("metadata").path("name").asText());
    assertEquals("1", all.object().path("items").path(0).path("metadata").path("resourceVersion").asText());
    assertEquals(2, store.run(store.req(Verb.LIST, "configmaps", "ns1", "", null)).object().path("items").size());
    RequestEnvelope selected = store.withOption(store.req(Verb.LIST, "configmaps", "", "", null), "labelSelector",
        "app in (web,api)");
    assertEquals(1, store.run(selected).object().path("items").size());
    RequestEnvelope byField = store.withOption(store.req(Verb.LIST, "configmaps", "", "", null), "fieldSelector",
        "metadata.namespace=ns2");
    assertEquals("c", store.run(byField).object().path("items").path(0).path("metadata").path("name").asText());
    assertEquals("0", store.run(store.req(Verb.LIST, "secrets", "", "", null)).object().path("metadata")
        .path("resourceVersion").asText());
  }

  private RequestEnvelope patch(String ns, String name, String type, String doc, WriteOptions o) throws Exception {
    ObjectNode body = Json.object();
    body.set("patch", Json.MAPPER.readTree(doc));
    return store.withOption(store.req(Verb.PATCH, "configmaps", ns, name, body, o), "patchType", type);
  }

  @Test
  void patchAppliesAgainstTheCurrentObject() throws Exception {
    ReplyEnvelope c = create("configmaps", cm("ns1", "a", "1"));
    ReplyEnvelope merge = store.run(patch("ns1", "a", "application/merge-patch+json",
        "{\"data\":{\"k\":null,\"x\":\"y\"}}", WriteOptions.none()));
    assertEquals(200, merge.code(), () -> String.valueOf(merge.status()));
    assertEquals("{\"x\":\"y\"}", merge.object().get("data").toString());
    assertEquals(c.object().path("metadata").path("uid"), merge.object().path("metadata").path("uid"));
    ReplyEnvelope json = store.run(patch("ns1", "a", "application/json-patch+json",
        "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"" + rv(merge) + "\"},"
            + "{\"op\":\"add\",\"path\":\"/data/z\",\"value\":\"1\"}]", WriteOptions.none()));
    assertEquals(200, json.code(), () -> String.valueOf(json.status()));
    assertEquals("1", json.object().path("data").path("z").asText());
  }

  @Test
  void patchCarryingAStaleResourceVersionIsConflict() throws Exception {
    ReplyEnvelope c = create("configmaps", cm("ns1", "a", "1"));
    store.run(store.req(Verb.UPDATE, "configmaps", "ns1", "a", cm("ns1", "a", "2")));
    assertFailure(store.run(patch("ns1", "a", "application/merge-patch+json",
        "{\"metadata\":{\"resourceVersion\":\"" + rv(c) + "\"},\"data\":{\"k\":\"3\"}}", WriteOptions.none())),
        409, "Conflict", null);
  }

  @Test
  void patchOfMissingIsNotFoundAndUnsupportedTypesAre415() throws Exception {
    assertFailure(store.run(patch("ns1", "nope", "application/merge-patch+json", "{}", WriteOptions.none())), 404,
        "NotFound", null);
    create("configmaps", cm("ns1", "a", "1"));
    assertFailure(store.run(patch("ns1", "a", "application/x-unknown-patch+json", "{}", WriteOptions.none())),
        415, "UnsupportedMediaType", null);
  }

  @Test
  void statusPatchChangesOnlyStatus() throws Exception {
    create("deployments.apps", deployment("ns1", "web", 1));
    ObjectNode body = Json.object();
    body.set("patch", Json.MAPPER.readTree("{\"spec\":{\"replicas\":7},\"status\":{\"replicas\":1}}"));
    RequestEnvelope r = store.withOption(store.req(Verb.PATCH, "deployments.apps", "ns1", "web", body,
        WriteOptions.none().withSubresource("status")), "patchType", "application/merge-patch+json");
    ReplyEnvelope p = store.run(r);
    assertEquals(200, p.code(), () -> String.valueOf(p.status()));
    assertEquals(1, p.object().path("spec").path("replicas").asInt());
    assertEquals(1, p.object().path("status").path("replicas").asInt());
  }

  @Test
  void clusterScopedObjectsAreKeyedWithoutNamespace() {
    ReplyEnvelope r = create("nodes", obj(null, "node-1"));
    assertEquals(201, r.code(), () -> String.valueOf(r.status()));
    assertEquals("/node-1", store.written.get(0).key());
    assertFailure(create("nodes", obj("ns1", "node-2")), 422, "Invalid", null);
  }
}
