package io.dekube.store.admission.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube's matchPolicy over a built-in kind's served versions: a rule naming only {@code autoscaling/v1} matches an HPA
 * written in the stored {@code v2} under Equivalent (not under Exact), the objects are converted to v1 for it and a
 * v1 patch result back; a subresource's own kind (a Scale) is never converted.
 */
class EquivalentVersionsTest {

  private final ResourceType hpas = ResourceRegistry.builtIn().byGroupPlural("autoscaling", "horizontalpodautoscalers")
      .orElseThrow();
  /** v2 → v1 renames spec.maxReplicas to spec.max, and back: enough to see which way an object went. */
  private final EquivalentVersions versions = EquivalentVersions.of(null).withBuiltIns(
      new EquivalentVersions.BuiltInVersions() {
        @Override
        public List<String> others(ResourceType stored) {
          return stored.plural().equals("horizontalpodautoscalers") ? List.of("autoscaling/v1") : List.of();
        }

        @Override
        public ObjectNode fromStored(ResourceType stored, String apiVersion, ObjectNode o) {
          ((ObjectNode) o.get("spec")).set("max", ((ObjectNode) o.get("spec")).remove("maxReplicas"));
          return o.put("apiVersion", apiVersion);
        }

        @Override
        public ObjectNode toStored(ResourceType stored, String apiVersion, ObjectNode o) {
          ((ObjectNode) o.get("spec")).set("maxReplicas", ((ObjectNode) o.get("spec")).remove("max"));
          return o.put("apiVersion", stored.apiVersion());
        }
      });

  private static ObjectNode hpa(int max) {
    ObjectNode o = Json.object().put("apiVersion", "autoscaling/v2").put("kind", "HorizontalPodAutoscaler");
    o.putObject("metadata").put("name", "web").put("namespace", "default");
    o.putObject("spec").put("maxReplicas", max);
    return o;
  }

  private AdmissionAttributes update(ObjectNode obj, ObjectNode old) {
    return new AdmissionAttributes(AdmissionAttributes.UPDATE, hpas, "autoscaling/v2", "", "default", "web", obj, old,
        false, null, UserInfo.anonymous());
  }

  private static List<Webhook.Rule> v1Rule() {
    return List.of(new Webhook.Rule(List.of("*"), List.of("autoscaling"), List.of("v1"),
        List.of("horizontalpodautoscalers"), "*"));
  }

  @Test
  void aV1RuleMatchesAV2WriteUnderEquivalentAndSeesItInV1() throws Exception {
    AdmissionAttributes a = update(hpa(7), hpa(5));
    assertEquals("autoscaling/v1", versions.matched(a, v1Rule(), false));
    assertNull(versions.matched(a, v1Rule(), true), "Exact: the addressed version only");

    AdmissionAttributes v1 = versions.in(a, "autoscaling/v1").toCompletionStage().toCompletableFuture().get();
    assertEquals("v1", v1.type().version());
    assertEquals("autoscaling/v1", v1.object().path("apiVersion").asText());
    assertEquals(7, v1.object().at("/spec/max").asInt());
    assertEquals(5, v1.oldObject().at("/spec/max").asInt());
    assertEquals(7, a.object().at("/spec/maxReplicas").asInt(), "the request's own objects are left as they were");

    ObjectNode patched = v1.object().deepCopy();
    ((ObjectNode) patched.get("spec")).put("max", 9);
    ObjectNode back = versions.stored(hpas, patched).toCompletionStage().toCompletableFuture().get();
    assertEquals("autoscaling/v2", back.path("apiVersion").asText());
    assertEquals(9, back.at("/spec/maxReplicas").asInt());
  }

  @Test
  void aSubresourcesOwnKindIsNotConverted() throws Exception {
    ObjectNode scale = Json.object().put("apiVersion", "autoscaling/v1").put("kind", "Scale");
    AdmissionAttributes a = new AdmissionAttributes(AdmissionAttributes.UPDATE, hpas, "autoscaling/v2", "scale",
        "default", "web", scale, scale, false, null, UserInfo.anonymous(),
        new AdmissionAttributes.ObjectKind("autoscaling", "v1", "Scale"));
    assertSame(a, versions.in(a, "autoscaling/v1").toCompletionStage().toCompletableFuture().get());
  }
}
