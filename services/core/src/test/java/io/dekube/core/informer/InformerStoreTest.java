package io.dekube.core.informer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InformerStoreTest {

  /** "+ns/name@offset" puts, "-ns/name@offset" deletes. */
  private static StoreRecord record(String op) {
    String[] parts = op.substring(1).split("@");
    ObjectKey key = ObjectKey.parse(parts[0]);
    long offset = Long.parseLong(parts[1]);
    if (op.charAt(0) == '-') {
      return new StoreRecord(key, null, offset);
    }
    ObjectNode o = RawStore.widget(key.namespace(), key.name(), Map.of("at", parts[1]), "node-" + offset % 2);
    Json.metadata(o).put("resourceVersion", parts[1]);
    return new StoreRecord(key, o, offset);
  }

  private static String describe(InformerStore.Change c) {
    InformerEvent e = c.event();
    String old = c.old() == null ? "" : " was " + c.old().path("metadata").path("resourceVersion").asText();
    return e.type() + " " + ObjectKey.of(e.object()) + " " + e.rv() + old;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // records, expected changes, expected keys after
        Arguments.of(List.of("+a/x@0"), List.of("ADDED a/x 0"), Set.of("a/x")),
        Arguments.of(List.of("+a/x@0", "+a/x@1"), List.of("ADDED a/x 0", "MODIFIED a/x 1 was 0"), Set.of("a/x")),
        Arguments.of(List.of("+a/x@0", "-a/x@2"), List.of("ADDED a/x 0", "DELETED a/x 2 was 0"), Set.of()),
        Arguments.of(List.of("-a/x@5"), List.of(), Set.of()),
        Arguments.of(List.of("+/n@3", "+a/x@4", "-/n@6"), List.of("ADDED /n 3", "ADDED a/x 4", "DELETED /n 6 was 3"),
            Set.of("a/x")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void appliesRecordsAsEvents(List<String> ops, List<String> changes, Set<String> keys) {
    InformerStore store = new InformerStore();
    List<StoreRecord> records = new ArrayList<>();
    ops.forEach(op -> records.add(record(op)));
    long position = records.get(records.size() - 1).offset() + 1;
    List<InformerStore.Change> applied = store.apply(records, position);
    assertEquals(changes, applied.stream().map(InformerStoreTest::describe).toList());
    assertEquals(keys, store.list(o -> true).stream().map(o -> ObjectKey.of(o).toString()).collect(Collectors.toSet()));
    assertEquals(position, store.position());
    assertEquals(position - 1, store.snapshot(o -> true).resourceVersion());
    applied.stream().filter(c -> c.event().type() == InformerEvent.Type.DELETED).forEach(c -> assertEquals(
        String.valueOf(c.event().rv()), c.event().object().path("metadata").path("resourceVersion").asText()));
  }

  @org.junit.jupiter.api.Test
  void indexesTrackChangesAndAFailingIndexFunctionIndexesNothing() {
    InformerStore store = new InformerStore();
    store.addIndex("boom", o -> {
      throw new IllegalStateException("bad index");
    });
    store.apply(List.of(record("+a/x@1"), record("+b/y@2")), 3);
    assertEquals(List.of("x"), names(store.byIndex(Indexers.NODE_NAME, "node-1")));
    assertEquals(List.of("y"), names(store.byIndex(Indexers.NAMESPACE, "b")));
    assertEquals(List.of(), names(store.byIndex("boom", "x")));
    store.apply(List.of(record("+a/x@4")), 5);
    assertEquals(List.of("x", "y"), names(store.byIndex(Indexers.NODE_NAME, "node-0")).stream().sorted().toList());
    assertNull(store.byIndex("missing", "x"));
  }

  private static List<String> names(List<ObjectNode> objects) {
    return objects.stream().map(o -> o.path("metadata").path("name").asText()).toList();
  }
}
