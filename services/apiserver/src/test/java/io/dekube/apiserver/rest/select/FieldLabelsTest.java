package io.dekube.apiserver.rest.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.informer.FieldSelector;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldLabelsTest {

  private static final ResourceRegistry R = ResourceRegistry.builtIn();

  @Test
  void checksSupportedFields() {
    FieldLabels.check(R.byResourceName("pods").orElseThrow(), List.of("metadata.name", "spec.nodeName", "status.phase"));
    FieldLabels.check(R.byResourceName("events").orElseThrow(), List.of("involvedObject.name", "involvedObject.uid"));
    FieldLabels.check(R.byResourceName("configmaps").orElseThrow(), List.of("metadata.namespace"));
    StatusException pods = assertThrows(StatusException.class,
        () -> FieldLabels.check(R.byResourceName("pods").orElseThrow(), List.of("spec.foo")));
    assertEquals("field label not supported: spec.foo", pods.getMessage());
    assertEquals(400, pods.code());
    StatusException cm = assertThrows(StatusException.class,
        () -> FieldLabels.check(R.byResourceName("configmaps").orElseThrow(), List.of("data.x")));
    assertEquals("\"data.x\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
        cm.getMessage());
  }

  @Test
  void checksTheFieldsOfJobsCsrsNodesAndNamespacesAsKube() {
    FieldLabels.check(R.byResourceName("jobs.batch").orElseThrow(), List.of("status.successful", "metadata.namespace"));
    StatusException job = assertThrows(StatusException.class,
        () -> FieldLabels.check(R.byResourceName("jobs.batch").orElseThrow(), List.of("spec.x")));
    assertEquals("field label \"spec.x\" not supported for Job", job.getMessage());
    var csrs = R.byResourceName("certificatesigningrequests.certificates.k8s.io").orElseThrow();
    FieldLabels.check(csrs, List.of("spec.signerName", "metadata.name"));
    for (String kind : List.of("nodes", "namespaces", "certificatesigningrequests.certificates.k8s.io")) {
      StatusException ns = assertThrows(StatusException.class,
          () -> FieldLabels.check(R.byResourceName(kind).orElseThrow(), List.of("metadata.namespace")));
      assertEquals("field label not supported: metadata.namespace", ns.getMessage());
    }
    FieldLabels.check(R.byResourceName("clusterroles.rbac.authorization.k8s.io").orElseThrow(),
        List.of("metadata.namespace"));
    FieldLabels.check(R.byResourceName("pods").orElseThrow(), List.of("spec.host"));
  }

  @Test
  void eventsOfEventsK8sIoSelectByTheirOwnFieldNames() {
    var events = R.byResourceName("events").orElseThrow();
    FieldSelector f = FieldLabels.convert(events, "events.k8s.io",
        FieldSelector.parse("regarding.name=web,reportingController!=kubelet,type=Warning"));
    assertEquals("involvedObject.name=web,reportingComponent!=kubelet,type=Warning", f.toString());
    for (String core : List.of("involvedObject.name", "reportingComponent")) {
      StatusException e = assertThrows(StatusException.class,
          () -> FieldLabels.convert(events, "events.k8s.io", FieldSelector.parse(core + "=x")));
      assertEquals("field label not supported: " + core, e.getMessage());
    }
    FieldSelector same = FieldSelector.parse("involvedObject.name=web");
    assertEquals(same, FieldLabels.convert(events, "", same), "core/v1 Events keep their names");
  }

  @Test
  void readsCountersAsKubeFormatsThem() throws Exception {
    var job = Json.MAPPER.readTree("{\"status\":{\"succeeded\":2}}");
    assertEquals("2", FieldLabels.value(job, "status.successful"));
    assertEquals("0", FieldLabels.value(Json.MAPPER.readTree("{}"), "status.successful"));
    assertEquals("0", FieldLabels.value(Json.MAPPER.readTree("{}"), "status.replicas"));
    var pod = Json.MAPPER.readTree("{\"spec\":{\"nodeName\":\"n1\"}}");
    assertEquals("n1", FieldLabels.value(pod, "spec.host"));
  }

  @Test
  void readsValues() throws Exception {
    var pod = Json.MAPPER.readTree("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"n1\"},"
        + "\"status\":{\"phase\":\"Running\"}}");
    assertEquals("n1", FieldLabels.value(pod, "spec.nodeName"));
    assertEquals("false", FieldLabels.value(pod, "spec.hostNetwork"));
    assertEquals("", FieldLabels.value(pod, "spec.schedulerName"));
    var ev = Json.MAPPER.readTree("{\"source\":{\"component\":\"kubelet\"}}");
    assertEquals("kubelet", FieldLabels.value(ev, "source"));
  }

  @Test
  void customKindsSelectTheirSelectableFieldsAsKubeFormatsThem() throws Exception {
    var shirts = new ResourceType("stable.example.com", "v1", "shirts", "shirt", "Shirt", true, List.of(), List.of(),
        List.of());
    List<String> selectable = List.of(".spec.color", ".spec.count", ".spec.ironed");
    FieldLabels.checkCustom(shirts, selectable, List.of("spec.color", "spec.count", "metadata.name",
        "metadata.namespace"));
    StatusException unknown = assertThrows(StatusException.class,
        () -> FieldLabels.checkCustom(shirts, selectable, List.of("spec.size")));
    assertEquals(400, unknown.code());
    assertEquals("field label not supported: spec.size", unknown.getMessage());
    var clusterShirts = new ResourceType("stable.example.com", "v1", "cshirts", "cshirt", "CShirt", false, List.of(),
        List.of(), List.of());
    assertEquals("field label not supported: metadata.namespace", assertThrows(StatusException.class,
        () -> FieldLabels.checkCustom(clusterShirts, List.of(), List.of("metadata.namespace"))).getMessage());

    var shirt = Json.MAPPER.readTree("{\"metadata\":{\"name\":\"a\"},"
        + "\"spec\":{\"color\":\"blue\",\"count\":12,\"ironed\":false}}");
    assertEquals("blue", FieldLabels.customValue(shirt, "spec.color"));
    assertEquals("12", FieldLabels.customValue(shirt, "spec.count"));
    assertEquals("false", FieldLabels.customValue(shirt, "spec.ironed"));
    assertEquals("", FieldLabels.customValue(shirt, "spec.size"));
    assertEquals("a", FieldLabels.customValue(shirt, "metadata.name"));
  }
}
