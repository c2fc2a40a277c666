package io.dekube.core.informer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FieldSelectorTest {

  private static final JsonNode POD = read("{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"default\"},"
      + "\"spec\":{\"nodeName\":\"node-1\",\"restartPolicy\":\"Always\",\"hostNetwork\":false},"
      + "\"status\":{\"phase\":\"Running\",\"podIP\":\"127.244.1.5\"}}");
  private static final JsonNode PENDING = read("{\"metadata\":{\"name\":\"web-2\",\"namespace\":\"default\"},"
      + "\"status\":{\"phase\":\"Pending\"}}");
  private static final JsonNode ODD = read("{\"metadata\":{\"name\":\"a,b=c!d\\\\e\"}}");

  private static JsonNode read(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // selector, object, matches
        Arguments.of("", POD, true),
        Arguments.of("metadata.name=web-1", POD, true),
        Arguments.of("metadata.name==web-1", POD, true),
        Arguments.of("metadata.name!=web-1", POD, false),
        Arguments.of("metadata.name=web-1,spec.nodeName=node-1", POD, true),
        Arguments.of("metadata.name=web-1,spec.nodeName!=node-1", POD, false),
        Arguments.of("spec.nodeName=", PENDING, true),
        Arguments.of("spec.nodeName=", POD, false),
        Arguments.of("spec.nodeName!=", POD, true),
        Arguments.of("status.phase!=Running,status.phase!=Succeeded", PENDING, true),
        Arguments.of("status.phase!=Running,status.phase!=Succeeded", POD, false),
        Arguments.of("spec.hostNetwork=false", POD, true),
        Arguments.of("metadata.namespace=default", POD, true),
        Arguments.of("spec=x", POD, false),
        Arguments.of("metadata.name=a\\,b\\=c\\!d\\\\e", ODD, true),
        Arguments.of(" metadata.name = web-1", POD, false));
  }

  @ParameterizedTest(name = "[{0}] -> {2}")
  @MethodSource("cases")
  void matches(String selector, JsonNode object, boolean expected) {
    assertEquals(expected, FieldSelector.parse(selector).matches(object));
  }

  @ParameterizedTest
  @ValueSource(strings = {"metadata.name", "=x", "metadata.name=a=b", "metadata.name=a\\x", "a=b,c",
      "metadata.name=a\\"})
  void rejectsInvalid(String selector) {
    StatusException e = assertThrows(StatusException.class, () -> FieldSelector.parse(selector));
    assertEquals(400, e.code());
  }

  @Test
  void exposesTermsForValidationAndIndexes() {
    FieldSelector s = FieldSelector.parse("spec.nodeName=n1,metadata.name!=x,spec.nodeName!=n2");
    assertEquals(List.of("spec.nodeName", "metadata.name"), s.fields());
    assertEquals("n1", s.requiredValue("spec.nodeName"));
    assertNull(s.requiredValue("metadata.name"));
    assertEquals("spec.nodeName=n1,metadata.name!=x,spec.nodeName!=n2", s.toString());
    assertEquals("metadata.name=a\\,b", FieldSelector.parse("metadata.name=a\\,b").toString());
    assertTrue(FieldSelector.parse(" ").isEverything());
  }
}
