package io.dekube.core.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.patch.smp.PatchMeta;
import io.dekube.core.patch.smp.PatchSchema;
import io.dekube.core.patch.smp.PatchStrategies;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Three-way cases in the shape of Kubernetes' own strategicpatch tests (a test type with a merging
 * list keyed by name, a merging int list and a retainKeys map): the current object and the patch
 * kubectl computes, and the result kube-apiserver stores.
 */
class KubeSmpCasesTest {

  /** The test type: {@code mergingList} merges by name, {@code mergingIntList} merges as a set. */
  static final class MergeItem {
    @JsonProperty("name")
    String name;
    @JsonProperty("value")
    String value;
    @JsonProperty("mergingList")
    List<MergeItem> mergingList;
    @JsonProperty("mergingIntList")
    List<Integer> mergingIntList;
    @JsonProperty("nonMergingList")
    List<MergeItem> nonMergingList;
    @JsonProperty("retainKeysMap")
    MergeItem retainKeysMap;
    @JsonProperty("simpleMap")
    Map<String, String> simpleMap;
  }

  static final PatchSchema SCHEMA;

  static {
    PatchStrategies.register("MergeItem", "mergingList", new PatchMeta("merge", "name", "map", List.of("name")));
    PatchStrategies.register("MergeItem", "mergingIntList", new PatchMeta("merge", "", "set", List.of()));
    PatchStrategies.register("MergeItem", "retainKeysMap", new PatchMeta("retainKeys", "", "", List.of()));
    SCHEMA = PatchSchema.of(MergeItem.class);
  }

  static JsonNode yaml(String s) {
    try {
      return Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("delete an item in an int list and reorder",
            "{mergingIntList: [1, 2, 3]}",
            "{$setElementOrder/mergingIntList: [2, 1], $deleteFromPrimitiveList/mergingIntList: [3]}",
            "{mergingIntList: [2, 1]}"),
        Arguments.of("merge lists of scalars keeps a server-only item after the ordered ones",
            "{mergingIntList: [1, 2, 4]}",
            "{$setElementOrder/mergingIntList: [1, 2, 3], mergingIntList: [3]}",
            "{mergingIntList: [1, 2, 3, 4]}"),
        Arguments.of("delete items in lists of scalars",
            "{mergingIntList: [1, 2, 3, 4]}",
            "{$setElementOrder/mergingIntList: [1, 2], $deleteFromPrimitiveList/mergingIntList: [3]}",
            "{mergingIntList: [1, 2, 4]}"),
        Arguments.of("order names an item that does not exist",
            "{name: hi, mergingList: [{name: hello2}]}",
            "{$setElementOrder/mergingList: [{name: hello}, {name: doesntexist}], mergingList: [{name: hello}]}",
            "{name: hi, mergingList: [{name: hello}, {name: hello2}]}"),
        Arguments.of("retainKeys keeps listed keys and merges the nested list",
            "{retainKeysMap: {name: foo, mergingIntList: [1, 2, 3]}}",
            "{retainKeysMap: {$retainKeys: [mergingIntList, name, value], $setElementOrder/mergingIntList: [1, 2], "
                + "value: bar}}",
            "{retainKeysMap: {name: foo, value: bar, mergingIntList: [1, 2, 3]}}"),
        Arguments.of("retainKeys drops unlisted keys",
            "{retainKeysMap: {name: foo, value: bar, simpleMap: {a: b}}}",
            "{retainKeysMap: {$retainKeys: [name], name: foo}}",
            "{retainKeysMap: {name: foo}}"),
        Arguments.of("merge a nested list inside a keyed element",
            "{mergingList: [{name: '1', mergingList: [{name: a, value: x}, {name: b, value: y}]}]}",
            "{mergingList: [{name: '1', $setElementOrder/mergingList: [{name: a}, {name: b}], "
                + "mergingList: [{name: a, value: z}]}]}",
            "{mergingList: [{name: '1', mergingList: [{name: a, value: z}, {name: b, value: y}]}]}"),
        Arguments.of("non-merging list is replaced",
            "{nonMergingList: [{name: a}, {name: b}]}",
            "{nonMergingList: [{name: c}]}",
            "{nonMergingList: [{name: c}]}"),
        Arguments.of("$patch replace of a keyed list keeps only the patch's items",
            "{mergingList: [{name: a, value: 1}, {name: b}]}",
            "{mergingList: [{name: c}, {$patch: replace}]}",
            "{mergingList: [{name: c}]}"),
        Arguments.of("deleting the last item leaves an empty list",
            "{mergingList: [{name: a}]}",
            "{$setElementOrder/mergingList: [], mergingList: [{name: a, $patch: delete}]}",
            "{mergingList: []}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void threeWay(String name, String current, String patch, String result) {
    ObjectNode out = StrategicMergePatch.apply((ObjectNode) yaml(current), yaml(patch), SCHEMA);
    assertEquals(yaml(result), out);
  }
}
