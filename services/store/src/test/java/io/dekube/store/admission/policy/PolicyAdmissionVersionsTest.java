package io.dekube.store.admission.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.crd.CronTabs;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.dekube.store.admission.webhook.ConfigurationSource;
import io.dekube.store.admission.webhook.EquivalentVersions;
import io.dekube.store.cel.CelAuthorizer;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A ValidatingAdmissionPolicy of a custom resource sees the object in the version its matchConstraints matched (kube's
 * matchPolicy Equivalent and versioned attributes): a policy of v2 evaluates a v1 write converted to v2.
 */
class PolicyAdmissionVersionsTest {

  /** Policies or bindings for tests: one object, or a YAML list of them. */
  static ConfigurationSource source(String yaml) throws Exception {
    com.fasterxml.jackson.databind.JsonNode doc = Json.YAML.readTree(yaml);
    List<ObjectNode> items = new ArrayList<>();
    if (doc.isArray()) {
      doc.forEach(o -> items.add((ObjectNode) o));
    } else {
      items.add((ObjectNode) doc);
    }
    return new ConfigurationSource() {
      @Override
      public Future<Void> start() {
        return Future.succeededFuture();
      }

      @Override
      public long resourceVersion() {
        return 1;
      }

      @Override
      public List<ObjectNode> items() {
        return items;
      }
    };
  }

  @Test
  void aPolicyOfAnotherVersionSeesTheObjectConvertedToIt() throws Exception {
    ResourceRegistry registry = ResourceRegistry.builtIn();
    registry.serve(CronTabs.webhookConverted("v2", "https://127.0.0.1:1/convert", null));
    List<String> conversions = new ArrayList<>();
    EquivalentVersions versions = EquivalentVersions.of(registry).withWebhooks((kind, object, apiVersion) -> {
      conversions.add(apiVersion);
      ObjectNode spec = (ObjectNode) object.path("spec");
      spec.set("cronSpec", spec.remove("schedule"));
      return Future.succeededFuture(object.put("apiVersion", apiVersion));
    });
    PolicyAdmission policies = new PolicyAdmission(source("""
        metadata: {name: v2-schedules}
        spec:
          matchConstraints:
            resourceRules: [{apiGroups: [stable.example.com], apiVersions: [v2], operations: [CREATE],
              resources: [crontabs]}]
          validations:
          - expression: "object.apiVersion == 'stable.example.com/v1' || object.spec.cronSpec != '* * * * */5'"
            message: "v2 saw the schedule"
        """), source("""
        metadata: {name: v2-schedules}
        spec: {policyName: v2-schedules, validationActions: [Deny]}
        """), ns -> null, new ParamSource(registry, t -> null), CelAuthorizer.NONE, versions);
    ResourceType cronTabs = registry.byResourceName("crontabs.stable.example.com").orElseThrow();
    ObjectNode cronTab = Json.object().put("apiVersion", "stable.example.com/v1").put("kind", "CronTab");
    cronTab.putObject("metadata").put("name", "c").put("namespace", "default");
    cronTab.putObject("spec").put("schedule", "* * * * */5");
    AdmissionAttributes create = new AdmissionAttributes(AdmissionAttributes.CREATE, cronTabs,
        "stable.example.com/v1", "", "default", "c", cronTab, null, false, null, UserInfo.anonymous());

    ExecutionException e = assertThrows(ExecutionException.class, () -> policies.validate(create, new ArrayList<>())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertEquals("crontabs.stable.example.com \"c\" is forbidden: ValidatingAdmissionPolicy 'v2-schedules' with "
        + "binding 'v2-schedules' denied request: v2 saw the schedule", e.getCause().getMessage());
    assertEquals(422, ((StatusException) e.getCause()).code(), "a failed validation is Invalid by default");
    assertEquals(List.of("stable.example.com/v2"), conversions);
    assertEquals("stable.example.com/v1", cronTab.path("apiVersion").asText(), "the write's object is not changed");
  }
}
