package io.dekube.store.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.store.WriteOptions;
import org.junit.jupiter.api.Test;

/** The writer records field ownership as kube's field manager does, so server-side apply sees conflicts. */
class ManagedFieldsTrackingTest {

  private final TestStore store = new TestStore();

  static ObjectNode yaml(String s) throws Exception {
    return (ObjectNode) Json.YAML.readTree(s);
  }

  private ReplyEnvelope create(ObjectNode o, String manager) {
    return store.run(store.req(Verb.CREATE, "deployments.apps", "ns1", "web", o,
        WriteOptions.none().withFieldManager(manager)));
  }

  private ReplyEnvelope patch(String type, String doc, WriteOptions o) throws Exception {
    return patch("deployments.apps", "web", type, doc, o);
  }

  private ReplyEnvelope patch(String resource, String name, String type, String doc, WriteOptions o)
      throws Exception {
    ObjectNode body = Json.object();
    body.set("patch", Json.YAML.readTree(doc));
    return store.run(store.withOption(store.req(Verb.PATCH, resource, "ns1", name, body, o), "patchType", type));
  }

  static final String DEPLOYMENT = "{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: ns1}, "
      + "spec: {replicas: 2, selector: {matchLabels: {app: web}}}}";

  @Test
  void createAndPatchRecordUpdateOwnership() throws Exception {
    ReplyEnvelope c = create(yaml(DEPLOYMENT), "kubectl-client-side-apply");
    assertEquals(201, c.code(), () -> String.valueOf(c.status()));
    JsonNode entry = c.object().at("/metadata/managedFields/0");
    assertEquals("kubectl-client-side-apply", entry.path("manager").asText());
    assertEquals("Update", entry.path("operation").asText());
    assertTrue(entry.at("/fieldsV1/f:spec/f:replicas").isObject());

    ReplyEnvelope p = patch("application/merge-patch+json", "{spec: {replicas: 3}}",
        WriteOptions.none().withFieldManager("kubectl-scale"));
    assertEquals(200, p.code(), () -> String.valueOf(p.status()));
    JsonNode fields = p.object().at("/metadata/managedFields");
    assertEquals(2, fields.size());
    assertTrue(fields.get(0).at("/fieldsV1/f:spec/f:replicas").isMissingNode(), "the scaler took replicas");
    assertEquals("kubectl-scale", fields.get(1).path("manager").asText());
  }

  @Test
  void serverSideApplyConflictsWithAnEarlierUpdate() throws Exception {
    create(yaml(DEPLOYMENT), "kubectl-client-side-apply");
    ReplyEnvelope r = patch("application/apply-patch+yaml", DEPLOYMENT.replace("replicas: 2", "replicas: 5"),
        WriteOptions.none().withFieldManager("kubectl"));
    assertEquals(409, r.code(), () -> String.valueOf(r.status()));
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: "
        + ".spec.replicas", r.status().path("message").asText());
    ReplyEnvelope forced = patch("application/apply-patch+yaml", DEPLOYMENT.replace("replicas: 2", "replicas: 5"),
        WriteOptions.none().withFieldManager("kubectl").withForce(true));
    assertEquals(200, forced.code(), () -> String.valueOf(forced.status()));
    assertEquals(5, forced.object().at("/spec/replicas").asInt());
  }

  @Test
  void anUpdateWithoutManagedFieldsKeepsTheCurrentOnes() throws Exception {
    create(yaml(DEPLOYMENT), "kubectl-create");
    ObjectNode replaced = yaml(DEPLOYMENT.replace("replicas: 2", "replicas: 4"));
    ReplyEnvelope u = store.run(store.req(Verb.UPDATE, "deployments.apps", "ns1", "web", replaced));
    assertEquals(200, u.code(), () -> String.valueOf(u.status()));
    assertEquals("kubectl-create", u.object().at("/metadata/managedFields/0/manager").asText());
  }

  static final String POD = "{apiVersion: v1, kind: Pod, metadata: {name: web-1, namespace: ns1, labels: {app: web}}, "
      + "spec: {containers: [{name: c, image: nginx}]}}";

  /** As kube's kubelet and scheduler: a status write is the manager's own entry, a binding none at all. */
  @Test
  void aStatusWriteIsTrackedUnderItsSubresourceAndABindingIsNot() throws Exception {
    ReplyEnvelope c = store.run(store.req(Verb.CREATE, "pods", "ns1", "web-1", yaml(POD),
        WriteOptions.none().withFieldManager("kube-controller-manager")));
    assertEquals(201, c.code(), () -> String.valueOf(c.status()));
    ReplyEnvelope b = patch("pods", "web-1", "application/merge-patch+json", "{spec: {nodeName: node-1}}",
        WriteOptions.none().withFieldManager("kube-scheduler").withSubresource("binding"));
    assertEquals(200, b.code(), () -> String.valueOf(b.status()));
    assertEquals(1, b.object().at("/metadata/managedFields").size(), () -> b.object().toString());

    ObjectNode running = b.object().deepCopy();
    running.set("status", Json.YAML.readTree("{phase: Running, podIP: 10.0.0.5, podIPs: [{ip: 10.0.0.5}], "
        + "conditions: [{type: Ready, status: 'True'}]}"));
    ReplyEnvelope s = store.run(store.req(Verb.UPDATE_STATUS, "pods", "ns1", "web-1", running,
        WriteOptions.none().withFieldManager("kubelet")));
    assertEquals(200, s.code(), () -> String.valueOf(s.status()));
    JsonNode fields = s.object().at("/metadata/managedFields");
    assertEquals(2, fields.size(), () -> s.object().toString());
    JsonNode kubelet = fields.get(1);
    assertEquals("kubelet", kubelet.path("manager").asText());
    assertEquals("status", kubelet.path("subresource").asText());
    assertTrue(kubelet.at("/fieldsV1/f:status/f:phase").isObject(), kubelet::toString);
    assertTrue(kubelet.at("/fieldsV1/f:status/f:conditions/k:{\"type\":\"Ready\"}/f:status").isObject(),
        kubelet::toString);
    assertTrue(kubelet.at("/fieldsV1/f:spec").isMissingNode(), "a status write owns no spec: " + kubelet);
    assertTrue(fields.get(0).at("/fieldsV1/f:status").isMissingNode(), "the creator owns no status");

    // a label patch of the resource leaves the kubelet's status fields with it
    ReplyEnvelope l = patch("pods", "web-1", "application/merge-patch+json", "{metadata: {labels: {tier: front}}}",
        WriteOptions.none().withFieldManager("kubectl-label"));
    assertEquals(200, l.code(), () -> String.valueOf(l.status()));
    assertTrue(l.object().at("/metadata/managedFields/1/fieldsV1/f:status/f:phase").isObject(),
        () -> l.object().at("/metadata/managedFields").toString());
  }

  @Test
  void aServerSideApplyOfTheStatusWritesTheStatusUnderItsOwnEntry() throws Exception {
    create(yaml(DEPLOYMENT), "kubectl-create");
    String status = "{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: ns1}, "
        + "spec: {replicas: 7}, status: {replicas: 2, conditions: [{type: Available, status: 'True'}]}}";
    ReplyEnvelope a = patch("application/apply-patch+yaml", status,
        WriteOptions.none().withFieldManager("ctrl").withSubresource("status"));
    assertEquals(200, a.code(), () -> String.valueOf(a.status()));
    assertEquals(2, a.object().at("/status/replicas").asInt());
    assertEquals(2, a.object().at("/spec/replicas").asInt(), "the spec of a status apply is reset");
    JsonNode entry = a.object().at("/metadata/managedFields/1");
    assertEquals("ctrl", entry.path("manager").asText());
    assertEquals("Apply", entry.path("operation").asText());
    assertEquals("status", entry.path("subresource").asText());
    assertTrue(entry.at("/fieldsV1/f:status/f:conditions").has("k:{\"type\":\"Available\"}"), entry.toString());
    assertTrue(entry.at("/fieldsV1/f:spec").isMissingNode());

    ReplyEnvelope other = patch("application/apply-patch+yaml", status.replace("replicas: 2", "replicas: 3"),
        WriteOptions.none().withFieldManager("other").withSubresource("status"));
    assertEquals(409, other.code(), () -> String.valueOf(other.status()));
    assertEquals("Apply failed with 1 conflict: conflict with \"ctrl\" with subresource \"status\": "
        + ".status.replicas", other.status().path("message").asText());
    ReplyEnvelope missing = patch("deployments.apps", "nope", "application/apply-patch+yaml",
        status.replace("name: web", "name: nope"), WriteOptions.none().withFieldManager("ctrl").withSubresource("status"));
    assertEquals(404, missing.code(), () -> String.valueOf(missing.status()));
  }
}
