package io.dekube.controllermanager.resourcequota;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The resourcequota controller: status.hard and status.used from the counted kinds, written only on change. */
class ResourceQuotaControllerTest {

  private final Fake fake = new Fake();
  private final ResourceQuotaController controller = new ResourceQuotaController(fake.ctx);

  private static ObjectNode yaml(String s) {
    try {
      return (ObjectNode) Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private void put(String resource, String yaml) {
    fake.store.put(fake.store.type(resource), yaml(yaml));
  }

  private static final String POD = "{apiVersion: v1, kind: Pod, metadata: {name: %s, namespace: %s}, spec: {containers: "
      + "[{name: c, image: nginx, resources: {requests: {cpu: 250m, memory: 64Mi}, limits: {cpu: 500m}}}]}%s}";

  /** (case, quota spec, objects as resource|yaml, expected status.used). */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("pods and compute", "{hard: {pods: '2', requests.cpu: '1', limits.cpu: '2', requests.memory: 1Gi}}",
            List.of("pods|" + POD.formatted("a", "d", ""), "pods|" + POD.formatted("b", "d", ""),
                "pods|" + POD.formatted("c", "other", "")),
            "{\"limits.cpu\":\"1\",\"pods\":\"2\",\"requests.cpu\":\"500m\",\"requests.memory\":\"128Mi\"}"),
        Arguments.of("finished pods count only in count/pods", "{hard: {pods: '5', count/pods: '5'}}",
            List.of("pods|" + POD.formatted("a", "d", ", status: {phase: Failed}"), "pods|" + POD.formatted("b", "d", "")),
            "{\"count/pods\":\"2\",\"pods\":\"1\"}"),
        Arguments.of("no objects is zero", "{hard: {pods: '5', services: '1', secrets: '3'}}", List.of(),
            "{\"pods\":\"0\",\"secrets\":\"0\",\"services\":\"0\"}"),
        Arguments.of("services and counts", "{hard: {services.nodeports: '9', services.loadbalancers: '1', "
                + "configmaps: '9', count/deployments.apps: '9'}}",
            List.of("services|{metadata: {name: s, namespace: d}, spec: {type: LoadBalancer, ports: [{port: 1}, {port: 2}]}}",
                "configmaps|{metadata: {name: c, namespace: d}}",
                "deployments.apps|{metadata: {name: w, namespace: d}, spec: {}}"),
            "{\"configmaps\":\"1\",\"count/deployments.apps\":\"1\",\"services.loadbalancers\":\"1\","
                + "\"services.nodeports\":\"2\"}"),
        Arguments.of("a BestEffort scope", "{hard: {pods: '5'}, scopes: [BestEffort]}",
            List.of("pods|" + POD.formatted("a", "d", ""),
                "pods|{metadata: {name: be, namespace: d}, spec: {containers: [{name: c, image: nginx}]}}"),
            "{\"pods\":\"1\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void usedIsCounted(String name, String spec, List<String> objects, String used) {
    put("resourcequotas", "{metadata: {name: q, namespace: d}, spec: " + spec + "}");
    for (String o : objects) {
      String[] parts = o.split("\\|", 2);
      put(parts[0], parts[1]);
    }
    done(controller.sync(new ObjectKey("d", "q")));
    ObjectNode q = fake.store.object(fake.store.type("resourcequotas"), "d", "q");
    assertEquals(used, q.path("status").path("used").toString());
    assertEquals(q.path("spec").path("hard").size(), q.path("status").path("hard").size());
  }

  @Test
  void statusIsWrittenOnlyWhenItChanges() {
    put("resourcequotas", "{metadata: {name: q, namespace: d}, spec: {hard: {pods: '2', cpu: 1000m}}}");
    done(controller.sync(new ObjectKey("d", "q")));
    ObjectNode q = fake.store.object(fake.store.type("resourcequotas"), "d", "q");
    assertEquals("{\"cpu\":\"1\",\"pods\":\"2\"}", q.path("status").path("hard").toString());
    fake.clearWritesForDebug();
    done(controller.sync(new ObjectKey("d", "q")));
    assertTrue(fake.writes().isEmpty(), () -> fake.writes().toString());
    put("pods", POD.formatted("a", "d", ""));
    done(controller.sync(new ObjectKey("d", "q")));
    assertEquals(1, fake.writes().size());
    assertEquals("{\"cpu\":\"250m\",\"pods\":\"1\"}", fake.store.object(fake.store.type("resourcequotas"), "d", "q")
        .path("status").path("used").toString());
  }
}
