package io.dekube.store.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.RequestEnvelope;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.store.admission.CustomResourceAdmission;
import io.dekube.store.admission.ResourceQuotaAdmission;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ResourceQuota admission in the writer: usage from the batch's view (so one batch's creates
 * see each other), kube's 403 wording, dry runs that count nothing, Service updates that raise usage.
 */
class ResourceQuotaWriterTest {

  private final List<JsonNode> quotas = new ArrayList<>();
  private final TestStore store = new TestStore(CustomResourceAdmission.chain(TestStore.REGISTRY),
      new ResourceQuotaAdmission(ns -> quotas.stream().filter(q -> q.path("metadata").path("namespace").asText()
          .equals(ns)).toList(), Clock.fixed(TestStore.NOW, ZoneOffset.UTC)));

  private static ObjectNode yaml(String s) {
    try {
      return (ObjectNode) Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private void quota(String name, String spec) {
    quotas.add(yaml("metadata: {name: " + name + ", namespace: d}\nspec: " + spec));
  }

  private RequestEnvelope pod(String name, String resources) {
    return store.req(Verb.CREATE, "pods", "d", null, yaml("metadata: {name: " + name + ", namespace: d}\n"
        + "spec: {containers: [{name: nginx, image: nginx" + resources + "}]}"));
  }

  @Test
  void oneBatchAdmitsExactlyTheQuota() {
    quota("compute", "{hard: {pods: '2'}}");
    List<ReplyEnvelope> replies = store.batch(pod("a", ""), pod("b", ""), pod("c", ""), pod("d", ""));
    assertEquals(List.of(201, 201, 403, 403), replies.stream().map(ReplyEnvelope::code).toList());
    assertEquals("pods \"c\" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2",
        replies.get(2).status().path("message").asText());
    assertEquals("Forbidden", replies.get(2).status().path("reason").asText());
    // another namespace is not limited
    assertEquals(201, store.run(store.req(Verb.CREATE, "pods", "e", null,
        yaml("metadata: {name: x, namespace: e}\nspec: {containers: [{name: c, image: nginx}]}"))).code());
  }

  @Test
  void computeResourcesMustBeStatedAndAddUp() {
    quota("compute", "{hard: {limits.cpu: '1', requests.memory: 256Mi}}");
    ReplyEnvelope bare = store.run(pod("bare", ""));
    assertEquals(403, bare.code());
    assertEquals("pods \"bare\" is forbidden: failed quota: compute: must specify limits.cpu for: nginx; "
        + "requests.memory for: nginx", bare.status().path("message").asText());
    String res = ", resources: {limits: {cpu: 600m, memory: 128Mi}}";
    assertEquals(201, store.run(pod("one", res)).code());
    ReplyEnvelope two = store.run(pod("two", res));
    assertEquals("pods \"two\" is forbidden: exceeded quota: compute, requested: limits.cpu=600m, used: "
        + "limits.cpu=600m, limited: limits.cpu=1", two.status().path("message").asText());
  }

  @Test
  void dryRunIsCheckedButCountsNothing() {
    quota("compute", "{hard: {pods: '1'}}");
    RequestEnvelope dry = store.withOption(pod("a", ""), "dryRun", "All");
    assertEquals(201, store.run(dry).code());
    assertEquals(201, store.run(pod("b", "")).code());
    assertEquals(403, store.run(store.withOption(pod("c", ""), "dryRun", "All")).code());
  }

  @Test
  void finishedPodsFreeTheirPlace() {
    quota("compute", "{hard: {pods: '1', count/pods: '5'}}");
    assertEquals(201, store.run(pod("a", "")).code());
    assertEquals(403, store.run(pod("b", "")).code());
    ObjectNode done = yaml("metadata: {name: a, namespace: d}\nstatus: {phase: Succeeded}");
    assertTrue(store.run(store.req(Verb.UPDATE_STATUS, "pods", "d", "a", done)).ok());
    assertEquals(201, store.run(pod("b", "")).code());
  }

  @Test
  void serviceTypeChangeRaisesUsage() {
    quota("objects", "{hard: {services: '5', services.nodeports: '1'}}");
    ObjectNode svc = yaml("metadata: {name: s, namespace: d}\nspec: {ports: [{name: a, port: 80}, {name: b, port: 81}]}");
    ReplyEnvelope created = store.run(store.req(Verb.CREATE, "services", "d", null, svc));
    assertEquals(201, created.code(), () -> created.status().toString());
    ObjectNode np = yaml("metadata: {name: s, namespace: d}\nspec: {type: NodePort, ports: [{name: a, port: 80}, {name: b, port: 81}]}");
    ReplyEnvelope upd = store.run(store.req(Verb.UPDATE, "services", "d", "s", np));
    assertEquals(403, upd.code(), () -> upd.status().toString());
    assertEquals("services \"s\" is forbidden: exceeded quota: objects, requested: services.nodeports=2, used: "
        + "services.nodeports=0, limited: services.nodeports=1", upd.status().path("message").asText());
  }

  @Test
  void countsAnyKindAndQuotasThemselves() {
    quota("objects", "{hard: {count/deployments.apps: '1', configmaps: '1'}}");
    ObjectNode cm = yaml("metadata: {name: a, namespace: d}");
    assertEquals(201, store.run(store.req(Verb.CREATE, "configmaps", "d", null, cm)).code());
    ReplyEnvelope second = store.run(store.req(Verb.CREATE, "configmaps", "d", null, yaml("metadata: {name: b, namespace: d}")));
    assertEquals("configmaps \"b\" is forbidden: exceeded quota: objects, requested: configmaps=1, used: configmaps=1, "
        + "limited: configmaps=1", second.status().path("message").asText());
  }

  @Test
  void claimsCountTheirStorage() {
    quota("storage", "{hard: {requests.storage: 5Gi, persistentvolumeclaims: '5'}}");
    String claim = "metadata: {name: %s, namespace: d}\nspec: {accessModes: [ReadWriteOnce], "
        + "resources: {requests: {storage: 3Gi}}}";
    ReplyEnvelope first = store.run(store.req(Verb.CREATE, "persistentvolumeclaims", "d", null, yaml(claim.formatted("a"))));
    assertEquals(201, first.code(), () -> first.status().toString());
    ReplyEnvelope second = store.run(store.req(Verb.CREATE, "persistentvolumeclaims", "d", null, yaml(claim.formatted("b"))));
    assertEquals("persistentvolumeclaims \"b\" is forbidden: exceeded quota: storage, requested: requests.storage=3Gi, "
        + "used: requests.storage=3Gi, limited: requests.storage=5Gi", second.status().path("message").asText());
  }
}
