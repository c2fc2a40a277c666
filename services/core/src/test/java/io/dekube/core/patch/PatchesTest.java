package io.dekube.core.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PatchesTest {

  private static final ResourceType CM = ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow();

  private static JsonNode j(String json) {
    try {
      return Json.MAPPER.readTree(json.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  /** RFC 6902 appendix A and a few of our own: doc, patch, expected result. */
  static Stream<Arguments> jsonPatchCases() {
    return Stream.of(
        Arguments.of("add member", "{'foo':'bar'}", "[{'op':'add','path':'/baz','value':'qux'}]",
            "{'foo':'bar','baz':'qux'}"),
        Arguments.of("add array element", "{'foo':['bar','baz']}", "[{'op':'add','path':'/foo/1','value':'qux'}]",
            "{'foo':['bar','qux','baz']}"),
        Arguments.of("append with -", "{'foo':[1]}", "[{'op':'add','path':'/foo/-','value':2}]", "{'foo':[1,2]}"),
        Arguments.of("remove member", "{'baz':'qux','foo':'bar'}", "[{'op':'remove','path':'/baz'}]",
            "{'foo':'bar'}"),
        Arguments.of("remove array element", "{'foo':['bar','qux','baz']}", "[{'op':'remove','path':'/foo/1'}]",
            "{'foo':['bar','baz']}"),
        Arguments.of("replace", "{'baz':'qux','foo':'bar'}", "[{'op':'replace','path':'/baz','value':'boo'}]",
            "{'baz':'boo','foo':'bar'}"),
        Arguments.of("move", "{'foo':{'bar':'baz','waldo':'fred'},'qux':{'corge':'grault'}}",
            "[{'op':'move','from':'/foo/waldo','path':'/qux/thud'}]",
            "{'foo':{'bar':'baz'},'qux':{'corge':'grault','thud':'fred'}}"),
        Arguments.of("move array element", "{'foo':['all','grass','cows','eat']}",
            "[{'op':'move','from':'/foo/1','path':'/foo/3'}]", "{'foo':['all','cows','eat','grass']}"),
        Arguments.of("copy", "{'a':{'b':1}}", "[{'op':'copy','from':'/a','path':'/c'}]", "{'a':{'b':1},'c':{'b':1}}"),
        Arguments.of("test ok", "{'baz':'qux','foo':['a',2,'c']}",
            "[{'op':'test','path':'/baz','value':'qux'},{'op':'test','path':'/foo/1','value':2}]",
            "{'baz':'qux','foo':['a',2,'c']}"),
        Arguments.of("add nested object", "{'foo':'bar'}", "[{'op':'add','path':'/child','value':{'grandchild':{}}}]",
            "{'foo':'bar','child':{'grandchild':{}}}"),
        Arguments.of("escaped pointer", "{'metadata':{'labels':{}}}",
            "[{'op':'add','path':'/metadata/labels/app.kubernetes.io~1name','value':'web'}]",
            "{'metadata':{'labels':{'app.kubernetes.io/name':'web'}}}"),
        Arguments.of("tilde escape", "{}", "[{'op':'add','path':'/a~0b','value':1}]", "{'a~b':1}"),
        Arguments.of("value null", "{'a':1}", "[{'op':'replace','path':'/a','value':null}]", "{'a':null}"),
        Arguments.of("empty patch", "{'a':1}", "[]", "{'a':1}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonPatchCases")
  void jsonPatch(String name, String doc, String patch, String expected) {
    ObjectNode current = (ObjectNode) j(doc);
    ObjectNode before = current.deepCopy();
    assertEquals(j(expected), Patches.apply(Patches.JSON, current, j(patch), CM, WriteOptions.none()));
    assertEquals(before, current, "the current object is never modified");
  }

  /**
   * Patches that must fail: doc, patch, expected HTTP code. A replace of a missing member and an
   * add without a value succeed, as in evanphx/json-patch v4 that kube uses: see JsonPatchTest.
   */
  static Stream<Arguments> jsonPatchFailures() {
    return Stream.of(
        Arguments.of("test fails", "{'baz':'qux'}", "[{'op':'test','path':'/baz','value':'bar'}]", 422),
        Arguments.of("missing parent", "{'foo':'bar'}", "[{'op':'add','path':'/baz/bat','value':'qux'}]", 422),
        Arguments.of("remove missing", "{'foo':'bar'}", "[{'op':'remove','path':'/nope'}]", 422),
        Arguments.of("index out of range", "{'foo':[1]}", "[{'op':'add','path':'/foo/5','value':2}]", 422),
        Arguments.of("bad index", "{'foo':[1]}", "[{'op':'replace','path':'/foo/x','value':2}]", 422),
        Arguments.of("move into own child", "{'a':{'b':1}}", "[{'op':'move','from':'/a','path':'/a/b/c'}]", 422),
        Arguments.of("unknown op", "{}", "[{'op':'frobnicate','path':'/a'}]", 400),
        Arguments.of("not an array", "{}", "{'op':'add','path':'/a','value':1}", 400),
        Arguments.of("bad pointer", "{}", "[{'op':'add','path':'a','value':1}]", 400),
        Arguments.of("all or nothing", "{'a':1}",
            "[{'op':'replace','path':'/a','value':2},{'op':'test','path':'/a','value':1}]", 422));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonPatchFailures")
  void jsonPatchFails(String name, String doc, String patch, int code) {
    ObjectNode current = (ObjectNode) j(doc);
    ObjectNode before = current.deepCopy();
    StatusException e = assertThrows(StatusException.class,
        () -> Patches.apply(Patches.JSON, current, j(patch), CM, WriteOptions.none()));
    assertEquals(code, e.code(), e.getMessage());
    assertEquals(before, current);
  }

  /** RFC 7386 appendix A (object targets), plus nesting. */
  static Stream<Arguments> mergePatchCases() {
    return Stream.of(
        Arguments.of("replace", "{'a':'b'}", "{'a':'c'}", "{'a':'c'}"),
        Arguments.of("add", "{'a':'b'}", "{'b':'c'}", "{'a':'b','b':'c'}"),
        Arguments.of("remove", "{'a':'b'}", "{'a':null}", "{}"),
        Arguments.of("remove one of two", "{'a':'b','b':'c'}", "{'a':null}", "{'b':'c'}"),
        Arguments.of("array replaces", "{'a':['b']}", "{'a':'c'}", "{'a':'c'}"),
        Arguments.of("scalar becomes array", "{'a':'c'}", "{'a':['b']}", "{'a':['b']}"),
        Arguments.of("nested", "{'a':{'b':'c'}}", "{'a':{'b':'d','c':null}}", "{'a':{'b':'d'}}"),
        Arguments.of("arrays are not merged", "{'a':[{'b':'c'}]}", "{'a':[1]}", "{'a':[1]}"),
        Arguments.of("deep null removal", "{'e':null}", "{'a':{'bb':{'ccc':null}}}", "{'e':null,'a':{'bb':{}}}"),
        Arguments.of("labels", "{'metadata':{'name':'x','labels':{'a':'1','b':'2'}}}",
            "{'metadata':{'labels':{'a':null,'c':'3'}}}", "{'metadata':{'name':'x','labels':{'b':'2','c':'3'}}}"),
        Arguments.of("empty patch", "{'a':'b'}", "{}", "{'a':'b'}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mergePatchCases")
  void mergePatch(String name, String doc, String patch, String expected) {
    ObjectNode current = (ObjectNode) j(doc);
    ObjectNode before = current.deepCopy();
    assertEquals(j(expected), Patches.apply(Patches.MERGE, current, j(patch), CM, WriteOptions.none()));
    assertEquals(before, current);
  }

  @Test
  void mergePatchMustBeAnObject() {
    StatusException e = assertThrows(StatusException.class,
        () -> Patches.apply(Patches.MERGE, Json.object(), j("['a']"), CM, WriteOptions.none()));
    assertEquals(400, e.code());
  }

  @Test
  void contentTypeParametersAreIgnored() {
    assertEquals(j("{'a':2}"), Patches.apply("application/merge-patch+json; charset=utf-8", (ObjectNode) j("{'a':1}"),
        j("{'a':2}"), CM, WriteOptions.none()));
  }

  @Test
  void unknownPatchTypesAre415() {
    StatusException e = assertThrows(StatusException.class,
        () -> Patches.apply("text/plain", Json.object(), Json.object(), CM, WriteOptions.none()));
    assertEquals(415, e.code());
    assertEquals("UnsupportedMediaType", e.reason());
  }

  @Test
  void strategicMergeAndApplyArePluggedIn() {
    assertEquals(j("{'data':{'a':'1','b':'2'}}"), Patches.apply(Patches.STRATEGIC_MERGE,
        (ObjectNode) j("{'data':{'a':'1'}}"), j("{'data':{'b':'2'}}"), CM, WriteOptions.none()));
    ObjectNode applied = Patches.apply(Patches.APPLY, null,
        j("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c','namespace':'d'},'data':{'a':'1'}}"), CM,
        WriteOptions.none().withFieldManager("kubectl"));
    assertEquals("1", applied.at("/data/a").asText());
    assertEquals("kubectl", applied.at("/metadata/managedFields/0/manager").asText());
    StatusException noManager = assertThrows(StatusException.class, () -> Patches.apply(Patches.APPLY, null,
        j("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'}}"), CM, WriteOptions.none()));
    assertEquals(422, noManager.code());
  }
}
