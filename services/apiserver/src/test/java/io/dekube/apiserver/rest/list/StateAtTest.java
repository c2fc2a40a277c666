package io.dekube.apiserver.rest.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.InformerEvent;
import io.dekube.core.informer.InformerEvent.Type;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StateAtTest {

  private static ObjectNode obj(String ns, String name, String v) {
    ObjectNode o = Json.object();
    o.putObject("metadata").put("namespace", ns).put("name", name);
    o.put("v", v);
    return o;
  }

  private static InformerEvent ev(Type t, String name, String v, long rv) {
    return new InformerEvent(t, obj("d", name, v), rv);
  }

  private static Map<String, String> values(StateAt.Result r) {
    Map<String, String> m = new TreeMap<>();
    r.objects().forEach((k, o) -> m.put(k, o.path("v").asText()));
    return m;
  }

  // window after rv 10: a added at 11, a modified at 12, b deleted at 13, c modified at 14, x in ns e at 15
  private static final List<InformerEvent> WINDOW = List.of(
      ev(Type.ADDED, "a", "a1", 11), ev(Type.MODIFIED, "a", "a2", 12), ev(Type.DELETED, "b", "b1", 13),
      ev(Type.MODIFIED, "c", "c2", 14), new InformerEvent(Type.ADDED, obj("e", "x", "x1"), 15));
  private static final List<ObjectNode> NOW = List.of(obj("d", "a", "a2"), obj("d", "c", "c2"), obj("d", "z", "z0"));

  @Test
  void currentVersionIsTheCurrentState() {
    StateAt.Result r = StateAt.at(15, NOW, 15, WINDOW, 10, o -> true);
    assertEquals(Map.of("d/a", "a2", "d/c", "c2", "d/z", "z0"), values(r));
  }

  @Test
  void rebuildsWhatTheWindowTells() {
    StateAt.Result at11 = StateAt.at(11, NOW, 15, WINDOW, 10, o -> o.at("/metadata/namespace").asText().equals("d"));
    assertEquals(Map.of("d/a", "a1", "d/z", "z0"), values(at11), "c's past is unknown, b's too");
    assertEquals(Set.of("d/b", "d/c"), at11.unknownKeys());
    StateAt.Result at13 = StateAt.at(13, NOW, 15, WINDOW, 10, o -> true);
    assertEquals(Map.of("d/a", "a2", "d/z", "z0"), values(at13));
    assertEquals(Set.of("d/c"), at13.unknownKeys(), "x was added later: known to be absent");
    StateAt.Result at10 = StateAt.at(10, NOW, 15, WINDOW, 10, o -> true);
    assertEquals(Map.of("d/z", "z0"), values(at10), "a did not exist yet");
  }

  @Test
  void olderThanTheWindowIsExpired() {
    StatusException e = assertThrows(StatusException.class, () -> StateAt.at(9, NOW, 15, WINDOW, 10, o -> true));
    assertEquals(410, e.code());
    assertEquals("too old resource version: 9 (10)", e.getMessage());
    StatusException unknown = assertThrows(StatusException.class,
        () -> StateAt.at(11, NOW, 15, WINDOW, 10, o -> true).exactly(ContinueToken.expired()));
    assertEquals(410, unknown.code());
  }
}
