package io.dekube.apiserver.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BodyDecoderTest {

  private static final ResourceType PODS = ResourceRegistry.builtIn().byResourceName("pods").orElseThrow();
  private final BodyDecoder decoder = new BodyDecoder(null);

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void decodesJsonAndReportsDuplicates() {
    BodyDecoder.Decoded d = decoder.decodeObject("application/json; charset=utf-8",
        b("{\"kind\":\"Pod\",\"spec\":{\"a\":1,\"a\":2,\"c\":[{\"n\":1,\"n\":2}]}}"), PODS);
    assertEquals(2, d.object().path("spec").path("a").asInt());
    assertEquals(List.of("spec.a", "spec.c[0].n"), d.duplicates());
  }

  @Test
  void decodesYaml() {
    BodyDecoder.Decoded d = decoder.decodeObject("application/yaml",
        b("kind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  replicas: 3\n"), PODS);
    assertEquals("web", d.object().path("metadata").path("name").asText());
    assertEquals(3, d.object().path("spec").path("replicas").asInt());
  }

  @Test
  void missingContentTypeIsJson() {
    assertEquals("Pod", decoder.decodeObject(null, b("{\"kind\":\"Pod\"}"), PODS).object().path("kind").asText());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "application/json|{\"kind\":\"Pod\",}|json parse error",
      "application/json|{\"kind\":\"Pod\"|json parse error",
      "application/json|''|unexpected end of JSON input",
      "application/json|[1,2]|must be an object",
      "application/json|{\"a\":1} {\"b\":2}|after top-level value",
      "application/yaml|'kind: Pod\n  metadata: x: y\n'|error converting YAML to JSON: yaml: line",
      "application/yaml|'- a\n- b\n'|must be an object",
  })
  void malformedBodiesAreBadRequests(String type, String body, String expected) {
    StatusException e = assertThrows(StatusException.class, () -> decoder.decodeObject(type, b(body), PODS));
    assertEquals(400, e.code());
    assertEquals("BadRequest", e.reason());
    assertTrue(e.getMessage().startsWith("the object provided is unrecognized (must be of type Pod): "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void jsonErrorsCarryLineAndColumn() {
    StatusException e = assertThrows(StatusException.class,
        () -> decoder.decodeObject("application/json", b("{\n  \"kind\": \"Pod\",\n  oops\n}"), PODS));
    assertTrue(e.getMessage().contains("line 3, column"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"text/plain", "application/xml", "application/vnd.kubernetes.protobuf"})
  void otherMediaTypesAreUnsupported(String type) {
    StatusException e = assertThrows(StatusException.class, () -> decoder.decodeObject(type, b("{}"), PODS));
    assertEquals(415, e.code());
    assertEquals("UnsupportedMediaType", e.reason());
  }

  @Test
  void protobufGoesToTheProtobufDecoder() {
    BodyDecoder withProto = new BodyDecoder((t, body) -> io.dekube.core.model.Json.object().put("kind", t.kind()));
    assertEquals("Pod", withProto.decodeObject(MediaTypes.PROTOBUF, new byte[] {1}, PODS).object().path("kind").asText());
  }

  @Test
  void patchesMustHaveTheRightShape() {
    assertTrue(decoder.decodePatch(MediaTypes.JSON_PATCH, b("[{\"op\":\"remove\",\"path\":\"/a\"}]")).isArray());
    assertTrue(decoder.decodePatch(MediaTypes.APPLY_PATCH, b("kind: Pod\n")).isObject());
    assertEquals(400, assertThrows(StatusException.class,
        () -> decoder.decodePatch(MediaTypes.JSON_PATCH, b("{}"))).code());
    assertEquals(400, assertThrows(StatusException.class,
        () -> decoder.decodePatch(MediaTypes.MERGE_PATCH, b("[]"))).code());
    assertEquals(400, assertThrows(StatusException.class,
        () -> decoder.decodePatch(MediaTypes.STRATEGIC_MERGE_PATCH, b("{\"a\":"))).code());
  }
}
