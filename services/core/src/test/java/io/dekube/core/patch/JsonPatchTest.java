package io.dekube.core.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** evanphx/json-patch v4 semantics, operation by operation, as kube-apiserver applies JSON patches. */
class JsonPatchTest {

  private static final String DOC = "{'spec':{'a':1,'l':[1,2,3]},'metadata':{'name':'n'}}";

  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(s.replace('\'', '"'));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "replace of a missing member adds it (cordon) | [{'op':'replace','path':'/spec/unschedulable','value':true}] | /spec/unschedulable | true",
      "replace of an existing member | [{'op':'replace','path':'/spec/a','value':2}] | /spec/a | 2",
      "replace of an array element | [{'op':'replace','path':'/spec/l/1','value':9}] | /spec/l | [1,9,3]",
      "add appends with - | [{'op':'add','path':'/spec/l/-','value':4}] | /spec/l | [1,2,3,4]",
      "add inserts at an index | [{'op':'add','path':'/spec/l/0','value':0}] | /spec/l | [0,1,2,3]",
      "add at the end index | [{'op':'add','path':'/spec/l/3','value':4}] | /spec/l | [1,2,3,4]",
      "add with a negative index counts from the end | [{'op':'add','path':'/spec/l/-1','value':7}] | /spec/l | [1,2,3,7]",
      "add without value adds null | [{'op':'add','path':'/spec/z'}] | /spec/z | null",
      "remove a member | [{'op':'remove','path':'/spec/a'}] | /spec | {'l':[1,2,3]}",
      "remove a negative index | [{'op':'remove','path':'/spec/l/-1'}] | /spec/l | [1,2]",
      "move | [{'op':'move','from':'/spec/a','path':'/spec/b'}] | /spec | {'l':[1,2,3],'b':1}",
      "copy | [{'op':'copy','from':'/spec/l/0','path':'/spec/c'}] | /spec/c | 1",
      "test of a missing member against null passes | [{'op':'test','path':'/spec/x','value':null}] | /spec/a | 1",
      "test passes | [{'op':'test','path':'/spec/a','value':1},{'op':'add','path':'/spec/t','value':1}] | /spec/t | 1",
  })
  void applies(String name, String patch, String pointer, String expected) throws Exception {
    ObjectNode out = new JsonPatch().apply(json(DOC), Json.MAPPER.readTree(patch.replace('\'', '"')), null,
        WriteOptions.none());
    assertEquals(Json.MAPPER.readTree(expected.replace('\'', '"')), out.at(pointer));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "replace under a missing parent | [{'op':'replace','path':'/status/x','value':1}] | doc is missing path: /status/x",
      "replace of a missing array index | [{'op':'replace','path':'/spec/l/3','value':1}] | doc is missing key: /spec/l/3",
      "add under a missing parent | [{'op':'add','path':'/status/x','value':1}] | doc is missing path",
      "add past the end | [{'op':'add','path':'/spec/l/5','value':1}] | Unable to access invalid index: 5",
      "remove a missing member | [{'op':'remove','path':'/spec/x'}] | Unable to remove nonexistent key: x",
      "remove past the end | [{'op':'remove','path':'/spec/l/3'}] | Unable to access invalid index: 3",
      "operation on the whole document | [{'op':'replace','path':'','value':{}}] | doc is missing path",
      "failed test | [{'op':'test','path':'/spec/a','value':2}] | testing value /spec/a failed",
      "move from a missing member | [{'op':'move','from':'/spec/x','path':'/spec/y'}] | nonexistent key: x",
      "all or nothing | [{'op':'add','path':'/spec/ok','value':1},{'op':'remove','path':'/nope/x'}] | doc is missing path",
  })
  void refuses(String name, String patch, String message) throws Exception {
    ObjectNode doc = json(DOC);
    StatusException e = assertThrows(StatusException.class, () -> new JsonPatch().apply(doc,
        Json.MAPPER.readTree(patch.replace('\'', '"')), null, WriteOptions.none()));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertEquals(json(DOC), doc);
  }
}
