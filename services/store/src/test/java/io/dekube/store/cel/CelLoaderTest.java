package io.dekube.store.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.Json;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Which stored objects make a process load CEL, and when the informer handler asks for it. */
class CelLoaderTest {

  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(s);
  }

  private static final String CRD_WITH_NESTED_RULE = """
      {"spec":{"versions":[{"name":"v1","schema":{"openAPIV3Schema":{"type":"object","properties":{
        "spec":{"type":"object","properties":{"replicas":{"type":"integer",
          "x-kubernetes-validations":[{"rule":"self <= 5"}]}}}}}}}]}}""";

  @Test
  void aCrdNeedsCelOnlyWhenSomeVersionsSchemaHoldsARule() throws Exception {
    assertTrue(CelLoader.hasValidationRules(json(CRD_WITH_NESTED_RULE)));
    assertTrue(CelLoader.hasValidationRules(json("""
        {"spec":{"versions":[{"name":"v1","schema":{"openAPIV3Schema":{"type":"object"}}},
          {"name":"v2","schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-validations":[{"rule":"true"}]}}}]}}""")));
    assertFalse(CelLoader.hasValidationRules(json("""
        {"spec":{"versions":[{"name":"v1","schema":{"openAPIV3Schema":{"type":"object","properties":{
          "spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}]}}""")));
    assertFalse(CelLoader.hasValidationRules(json("{\"spec\":{}}")));
  }

  @Test
  void aWebhookConfigurationNeedsCelOnlyWithMatchConditions() throws Exception {
    assertTrue(CelLoader.hasMatchConditions(json("""
        {"webhooks":[{"name":"a.example.com"},{"name":"b.example.com",
          "matchConditions":[{"name":"x","expression":"true"}]}]}""")));
    assertFalse(CelLoader.hasMatchConditions(json("""
        {"webhooks":[{"name":"a.example.com","matchConditions":[]},{"name":"b.example.com"}]}""")));
  }

  @Test
  void theHandlerAsksForCelAtTheFirstObjectThatNeedsIt() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    InformerHandler h = CelLoader.onObjects(CelLoader::hasValidationRules, loads::incrementAndGet);
    ObjectNode plain = json("{\"spec\":{\"versions\":[{\"name\":\"v1\"}]}}");
    h.onAdd(plain);
    h.onUpdate(plain, plain);
    h.onDelete(json(CRD_WITH_NESTED_RULE), 7);
    assertEquals(0, loads.get(), "neither a CRD without rules nor a deleted one loads CEL");
    h.onUpdate(plain, json(CRD_WITH_NESTED_RULE));
    assertEquals(1, loads.get());
  }
}
