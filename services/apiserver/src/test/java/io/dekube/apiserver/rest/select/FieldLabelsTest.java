package io.dekube.apiserver.rest.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
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
  void readsValues() throws Exception {
    var pod = Json.MAPPER.readTree("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"nodeName\":\"n1\"},"
        + "\"status\":{\"phase\":\"Running\"}}");
    assertEquals("n1", FieldLabels.value(pod, "spec.nodeName"));
    assertEquals("false", FieldLabels.value(pod, "spec.hostNetwork"));
    assertEquals("", FieldLabels.value(pod, "spec.schedulerName"));
    var ev = Json.MAPPER.readTree("{\"source\":{\"component\":\"kubelet\"}}");
    assertEquals("kubelet", FieldLabels.value(ev, "source"));
  }
}
