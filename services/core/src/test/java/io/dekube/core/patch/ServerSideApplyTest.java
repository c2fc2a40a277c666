package io.dekube.core.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.apply.LastApplied;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSideApplyTest {

  static final ResourceType DEPLOYMENTS = ResourceRegistry.builtIn().byResourceName("deployments.apps").orElseThrow();
  static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T2 = Instant.parse("2026-01-01T00:01:00Z");

  static ObjectNode yaml(String s) {
    try {
      return (ObjectNode) Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static String deployment(int replicas, String image) {
    return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: d, labels: {app: web}}\n"
        + "spec:\n  replicas: " + replicas + "\n  selector: {matchLabels: {app: web}}\n  template:\n"
        + "    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: " + image
        + "\n        ports: [{containerPort: 8080}]\n";
  }

  @Test
  void applyCreatesAndRecordsOwnership() {
    ObjectNode out = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    assertEquals("web", out.at("/metadata/name").asText());
    assertEquals(2, out.at("/spec/replicas").asInt());
    JsonNode entry = out.at("/metadata/managedFields/0");
    assertEquals("kubectl", entry.path("manager").asText());
    assertEquals("Apply", entry.path("operation").asText());
    assertEquals("apps/v1", entry.path("apiVersion").asText());
    assertEquals("FieldsV1", entry.path("fieldsType").asText());
    assertEquals("2026-01-01T00:00:00Z", entry.path("time").asText());
    JsonNode f = entry.path("fieldsV1");
    assertEquals(yaml("{'.': {}, 'f:app': {}}"), f.at("/f:metadata/f:labels"));
    assertTrue(f.at("/f:spec/f:replicas").isObject());
    assertTrue(f.at("/f:spec/f:selector").isEmpty(), "a LabelSelector is atomic");
    JsonNode container = f.at("/f:spec/f:template/f:spec/f:containers").get("k:{\"name\":\"web\"}");
    assertEquals(yaml("{'.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': "
        + "{'k:{\"containerPort\":8080,\"protocol\":\"TCP\"}': {'.': {}, 'f:containerPort': {}}}}"), container);
  }

  @Test
  void applyingTheSameConfigurationTwiceChangesNothing() {
    ObjectNode first = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    ObjectNode second = ServerSideApply.apply(first, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T2);
    assertEquals(first, second);
  }

  @Test
  void applyWithAChangeUpdatesOwnedFieldsAndKeepsOthers() {
    ObjectNode live = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    live.with("spec").put("revisionHistoryLimit", 10);
    ObjectNode out = ServerSideApply.apply(live, yaml(deployment(2, "v2")), DEPLOYMENTS, "kubectl", false, T2);
    assertEquals("v2", out.at("/spec/template/spec/containers/0/image").asText());
    assertEquals(10, out.at("/spec/revisionHistoryLimit").asInt());
    assertEquals(8080, out.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt());
  }

  @Test
  void fieldsNoLongerAppliedAreRemoved() {
    ObjectNode live = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    ObjectNode cfg = yaml(deployment(2, "v1"));
    cfg.with("metadata").remove("labels");
    ObjectNode out = ServerSideApply.apply(live, cfg, DEPLOYMENTS, "kubectl", false, T2);
    assertTrue(out.at("/metadata/labels/app").isMissingNode(), out.toString());
  }

  @Test
  void conflictWithClientSideApply() {
    ObjectNode created = ServerSideApply.trackUpdate(null, yaml(deployment(2, "v1")), DEPLOYMENTS,
        "kubectl-client-side-apply", T1);
    assertEquals("Update", created.at("/metadata/managedFields/0/operation").asText());
    StatusException e = assertThrows(StatusException.class,
        () -> ServerSideApply.apply(created, yaml(deployment(3, "v1")), DEPLOYMENTS, "kubectl", false, T2));
    assertEquals(409, e.code());
    assertEquals("Conflict", e.reason());
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas",
        e.getMessage());
    JsonNode cause = e.toStatus().at("/details/causes/0");
    assertEquals("FieldManagerConflict", cause.path("reason").asText());
    assertEquals("conflict with \"kubectl-client-side-apply\" using apps/v1", cause.path("message").asText());
    assertEquals(".spec.replicas", cause.path("field").asText());
  }

  @Test
  void sameValuesShareOwnershipAndForceTakesFields() {
    ObjectNode created = ServerSideApply.trackUpdate(null, yaml(deployment(2, "v1")), DEPLOYMENTS,
        "kubectl-client-side-apply", T1);
    ObjectNode shared = ServerSideApply.apply(created, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T2);
    assertEquals(2, shared.at("/metadata/managedFields").size());
    ObjectNode forced = ServerSideApply.apply(created, yaml(deployment(3, "v2")), DEPLOYMENTS, "kubectl", true, T2);
    assertEquals(3, forced.at("/spec/replicas").asInt());
    JsonNode csa = forced.at("/metadata/managedFields/0/fieldsV1");
    assertTrue(csa.at("/f:spec/f:replicas").isMissingNode(), csa.toString());
    assertFalse(csa.at("/f:spec/f:selector").isMissingNode());
  }

  @Test
  void multipleConflictsAreListedByManager() {
    ObjectNode created = ServerSideApply.trackUpdate(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "other", T1);
    StatusException e = assertThrows(StatusException.class,
        () -> ServerSideApply.apply(created, yaml(deployment(3, "v2")), DEPLOYMENTS, "kubectl", false, T2));
    assertEquals("Apply failed with 2 conflicts: conflicts with \"other\" using apps/v1:\n- .spec.replicas\n"
        + "- .spec.template.spec.containers[name=\"web\"].image", e.getMessage());
  }

  @Test
  void updateTakesChangedFieldsFromAppliers() {
    ObjectNode live = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    ObjectNode scaled = live.deepCopy();
    scaled.with("spec").put("replicas", 5);
    ObjectNode out = ServerSideApply.trackUpdate(live, scaled, DEPLOYMENTS, "kubectl-scale", T2);
    JsonNode entries = out.at("/metadata/managedFields");
    assertEquals(2, entries.size());
    assertTrue(entries.get(0).at("/fieldsV1/f:spec/f:replicas").isMissingNode());
    assertEquals(yaml("{'f:spec': {'f:replicas': {}}}"), entries.get(1).path("fieldsV1"));
    StatusException e = assertThrows(StatusException.class,
        () -> ServerSideApply.apply(out, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T2));
    assertTrue(e.getMessage().contains("conflict with \"kubectl-scale\" using apps/v1: .spec.replicas"));
  }

  @Test
  void fieldManagerIsRequired() {
    StatusException e = assertThrows(StatusException.class,
        () -> ServerSideApply.apply(null, yaml(deployment(1, "v1")), DEPLOYMENTS, "", false, T1));
    assertEquals(422, e.code());
    assertEquals("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
        e.getMessage());
  }

  /** A Deployment as client-side {@code kubectl apply} creates it: the annotation holds the configuration. */
  static ObjectNode clientSideApplied(int replicas) {
    ObjectNode obj = yaml(deployment(replicas, "v1"));
    obj.with("metadata").with("annotations").put(LastApplied.ANNOTATION, LastApplied.of(yaml(deployment(replicas, "v1"))));
    return ServerSideApply.trackUpdate(null, obj, DEPLOYMENTS, "kubectl-client-side-apply", T1);
  }

  @Test
  void kubectlTakesOverWhatClientSideApplyApplied() {
    ObjectNode out = ServerSideApply.apply(clientSideApplied(2), yaml(deployment(3, "v1")), DEPLOYMENTS, "kubectl",
        false, T2);
    assertEquals(3, out.at("/spec/replicas").asInt());
    JsonNode entries = out.at("/metadata/managedFields");
    assertEquals("kubectl-client-side-apply", entries.get(0).path("manager").asText());
    assertTrue(entries.get(0).at("/fieldsV1/f:spec/f:replicas").isMissingNode(), entries.toString());
    assertFalse(entries.get(0).at("/fieldsV1/f:metadata/f:annotations").isMissingNode(), "the annotation keeps its owner");
    assertEquals("kubectl", entries.get(1).path("manager").asText());
    assertTrue(entries.get(1).at("/fieldsV1/f:spec/f:replicas").isObject());
    assertEquals(LastApplied.of(yaml(deployment(3, "v1"))),
        out.at("/metadata/annotations").get(LastApplied.ANNOTATION).asText(), "the annotation follows the apply");
  }

  @Test
  void clientSideUpgradeIsOnlyForKubectl() {
    StatusException e = assertThrows(StatusException.class, () -> ServerSideApply.apply(clientSideApplied(2),
        yaml(deployment(3, "v1")), DEPLOYMENTS, "my-manager", false, T2));
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas",
        e.getMessage());
  }

  @Test
  void fieldsChangedSinceTheLastClientSideApplyStillConflict() {
    ObjectNode live = clientSideApplied(2);
    ObjectNode scaled = live.deepCopy();
    scaled.with("spec").put("replicas", 5);
    ObjectNode out = ServerSideApply.trackUpdate(live, scaled, DEPLOYMENTS, "kubectl-scale", T2);
    StatusException e = assertThrows(StatusException.class,
        () -> ServerSideApply.apply(out, yaml(deployment(3, "v2")), DEPLOYMENTS, "kubectl", false, T2));
    assertEquals("Apply failed with 1 conflict: conflict with \"kubectl-scale\" using apps/v1: .spec.replicas",
        e.getMessage(), "the image is explained by the annotation, the replicas are not");
  }

  @Test
  void theAnnotationIsWrittenOnlyWhenPresent() {
    ObjectNode out = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    assertTrue(out.at("/metadata/annotations").isMissingNode(), out.toString());
  }

  @Test
  void theAnnotationIsSortedCompactJson() {
    assertEquals("{\"apiVersion\":\"v1\",\"data\":{\"a\":\"1\",\"b\":\"2\"},\"kind\":\"ConfigMap\","
        + "\"metadata\":{\"annotations\":{},\"name\":\"c\"}}\n", LastApplied.of(yaml("kind: ConfigMap\napiVersion: v1\n"
        + "metadata: {name: c, annotations: {kubectl.kubernetes.io/last-applied-configuration: x}}\ndata: {b: '2', a: '1'}")));
  }

  @Test
  void oneEmptyEntryClearsManagedFields() {
    ObjectNode live = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    ObjectNode reset = live.deepCopy();
    reset.with("metadata").putArray("managedFields").addObject();
    ObjectNode out = ServerSideApply.trackUpdate(live, reset, DEPLOYMENTS, "kubectl-patch", T2);
    assertTrue(out.at("/metadata/managedFields").isMissingNode(), out.toString());
  }

  @Test
  void anEmptyListOrASubresourceWriteKeepsManagedFields() {
    ObjectNode live = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    ObjectNode emptied = live.deepCopy();
    emptied.with("metadata").putArray("managedFields");
    assertEquals(live.at("/metadata/managedFields"),
        ServerSideApply.trackUpdate(live, emptied, DEPLOYMENTS, "kubectl-patch", T2).at("/metadata/managedFields"));
    ObjectNode viaStatus = live.deepCopy();
    viaStatus.with("metadata").putArray("managedFields").addObject();
    assertEquals(live.at("/metadata/managedFields"), ServerSideApply.trackUpdate(live, viaStatus, DEPLOYMENTS,
        "kube-controller-manager", "status", T2).at("/metadata/managedFields"));
  }

  @Test
  void managedFieldsSentWithAnUpdateReplaceTheObjects() {
    ObjectNode live = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    ObjectNode sent = live.deepCopy();
    ((ObjectNode) sent.at("/metadata/managedFields/0")).put("manager", "renamed");
    JsonNode out = ServerSideApply.trackUpdate(live, sent, DEPLOYMENTS, "kubectl-edit", T2).at("/metadata/managedFields");
    assertEquals(1, out.size(), out.toString());
    assertEquals("renamed", out.get(0).path("manager").asText());
  }

  @Test
  void droppedFieldsKeepWhatOthersOwnBelowThem() {
    ObjectNode live = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    ObjectNode labeled = live.deepCopy();
    ((ObjectNode) labeled.at("/metadata/labels")).put("extra", "1");
    ((ObjectNode) labeled.at("/spec/template/spec/containers/0")).put("workingDir", "/w");
    ObjectNode out = ServerSideApply.trackUpdate(live, labeled, DEPLOYMENTS, "kubectl-label", T2);
    ObjectNode cfg = yaml(deployment(2, "v1"));
    cfg.with("metadata").remove("labels");
    ((ObjectNode) cfg.at("/spec/template/spec")).putArray("containers").addObject().put("name", "sidecar")
        .put("image", "s");
    ObjectNode applied = ServerSideApply.apply(out, cfg, DEPLOYMENTS, "kubectl", false, T2);
    assertEquals(yaml("{extra: '1'}"), applied.at("/metadata/labels"), applied.toString());
    assertEquals(yaml("{c: [{name: web, workingDir: /w}, {name: sidecar, image: s}]}").get("c"),
        applied.at("/spec/template/spec/containers"), "the element stays with its key and the field another owns");
  }

  @Test
  void conflictsAreListedByManagerInKubesOrder() {
    ObjectNode live = ServerSideApply.trackUpdate(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "zz-first", T1);
    ObjectNode scaled = live.deepCopy();
    scaled.with("spec").put("replicas", 4);
    ObjectNode out = ServerSideApply.trackUpdate(live, scaled, DEPLOYMENTS, "kubectl", "scale", T2);
    StatusException e = assertThrows(StatusException.class,
        () -> ServerSideApply.apply(out, yaml(deployment(3, "v2")), DEPLOYMENTS, "mine", false, T2));
    assertEquals("Apply failed with 2 conflicts: conflicts with \"kubectl\" with subresource \"scale\" using apps/v1:\n"
        + "- .spec.replicas\nconflicts with \"zz-first\" using apps/v1:\n"
        + "- .spec.template.spec.containers[name=\"web\"].image", e.getMessage());
  }

  @Test
  void theAnnotationEscapesHtmlAsGoDoes() {
    assertEquals("{\"data\":{\"a\":\"\\u003cuser\\u003e \\u0026 é\\u2028\"}}\n",
        LastApplied.of(yaml("data: {a: \"<user> & é\\u2028\"}")));
  }

  static final ResourceType WIDGETS = new ResourceType("ex.com", "v1", "widgets", "widget", "Widget", true, List.of(),
      List.of(), List.of());

  static {
    io.dekube.core.patch.smp.PatchSchema.serveCustom("ex.com", "Widget", yaml("""
        type: object
        properties:
          spec:
            type: object
            properties:
              items:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items: {type: object, properties: {name: {type: string}, v: {type: string}}}
              tags: {type: array, x-kubernetes-list-type: set, items: {type: string}}
              plain: {type: array, items: {type: string}}
              sel: {type: object, x-kubernetes-map-type: atomic, properties: {a: {type: string}, b: {type: string}}}
              env: {type: object, additionalProperties: {type: string}}
        """));
  }

  @Test
  void customResourcesMergeAsTheirSchemaSays() {
    ObjectNode live = ServerSideApply.apply(null, yaml("apiVersion: ex.com/v1\nkind: Widget\nmetadata: {name: w, labels: {a: b}}\n"
        + "spec: {items: [{name: a, v: '1'}], tags: [x], plain: [p], sel: {a: '1'}, env: {A: '1'}}"), WIDGETS, "one",
        false, T1);
    JsonNode f = live.at("/metadata/managedFields/0/fieldsV1");
    assertEquals(yaml("{'.': {}, 'f:a': {}}"), f.at("/f:metadata/f:labels"));
    assertEquals(yaml("{'k:{\"name\":\"a\"}': {'.': {}, 'f:name': {}, 'f:v': {}}}"), f.at("/f:spec/f:items"));
    assertEquals(yaml("{'v:\"x\"': {}}"), f.at("/f:spec/f:tags"));
    assertEquals(yaml("{}"), f.at("/f:spec/f:sel"));
    assertEquals(yaml("{'.': {}, 'f:A': {}}"), f.at("/f:spec/f:env"));
    ObjectNode two = ServerSideApply.apply(live, yaml("apiVersion: ex.com/v1\nkind: Widget\nmetadata: {name: w}\n"
        + "spec: {items: [{name: b, v: '2'}], tags: [y], env: {B: '2'}}"), WIDGETS, "two", false, T2);
    assertEquals(yaml("{items: [{name: a, v: '1'}, {name: b, v: '2'}], tags: [x, y], plain: [p], sel: {a: '1'}, "
        + "env: {A: '1', B: '2'}}"), two.get("spec"));
    StatusException e = assertThrows(StatusException.class, () -> ServerSideApply.apply(two, yaml(
        "apiVersion: ex.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {sel: {b: '2'}}"), WIDGETS, "three", false, T2));
    assertEquals("Apply failed with 1 conflict: conflict with \"one\": .spec.sel", e.getMessage());
  }

  @Test
  void anAppliedConfigurationMayNotCarryManagedFields() {
    ObjectNode live = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    StatusException e = assertThrows(StatusException.class,
        () -> ServerSideApply.apply(live, live, DEPLOYMENTS, "kubectl", false, T2));
    assertEquals(400, e.code());
    assertEquals("metadata.managedFields must be nil", e.getMessage());
  }

  @Test
  void theAppliersTimeMovesWhenTheObjectChanges() {
    ObjectNode live = ServerSideApply.apply(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "kubectl", false, T1);
    ObjectNode scaled = ServerSideApply.apply(live, yaml(deployment(3, "v1")), DEPLOYMENTS, "kubectl", false, T2);
    assertEquals("2026-01-01T00:01:00Z", scaled.at("/metadata/managedFields/0/time").asText());
    ObjectNode coOwned = ServerSideApply.apply(scaled, yaml(deployment(3, "v1")), DEPLOYMENTS, "other", false, T2);
    assertTrue(coOwned.at("/metadata/managedFields/1/time").isMissingNode(), coOwned.toString());
    assertEquals("other", coOwned.at("/metadata/managedFields/1/manager").asText());
  }

  @Test
  void anUpdatersTimeMovesWhenItChangesAFieldItOwns() {
    ObjectNode live = ServerSideApply.trackUpdate(null, yaml(deployment(2, "v1")), DEPLOYMENTS, "edit", T1);
    ObjectNode scaled = live.deepCopy();
    scaled.with("spec").put("replicas", 5);
    ObjectNode out = ServerSideApply.trackUpdate(live, scaled, DEPLOYMENTS, "edit", T2);
    assertEquals("2026-01-01T00:01:00Z", out.at("/metadata/managedFields/0/time").asText());
    assertEquals(out, ServerSideApply.trackUpdate(out, out.deepCopy(), DEPLOYMENTS, "edit",
        Instant.parse("2026-01-01T00:02:00Z")), "a write that changes nothing keeps the time");
  }
}
