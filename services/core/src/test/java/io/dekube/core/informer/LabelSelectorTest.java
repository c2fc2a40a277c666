package io.dekube.core.informer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {

  /** labels "k=v;k2=v2" → map. */
  private static Map<String, String> labels(String spec) {
    Map<String, String> m = new HashMap<>();
    if (!spec.isEmpty()) {
      Arrays.stream(spec.split(";")).map(kv -> kv.split("=", 2)).forEach(kv -> m.put(kv[0], kv[1]));
    }
    return m;
  }

  static Stream<Arguments> matchCases() {
    return Stream.of(
        // selector, labels, matches
        Arguments.of("", "", true),
        Arguments.of("", "app=web", true),
        Arguments.of("app=web", "app=web", true),
        Arguments.of("app==web", "app=web", true),
        Arguments.of("app=web", "app=db", false),
        Arguments.of("app=web", "", false),
        Arguments.of("app!=web", "app=db", true),
        Arguments.of("app!=web", "", true),
        Arguments.of("app!=web", "app=web", false),
        Arguments.of("env in (prod, qa)", "env=qa", true),
        Arguments.of("env in (prod,qa)", "env=dev", false),
        Arguments.of("env in (prod,qa)", "", false),
        Arguments.of("env notin (prod,qa)", "env=dev", true),
        Arguments.of("env notin (prod,qa)", "", true),
        Arguments.of("env notin (prod,qa)", "env=prod", false),
        Arguments.of("release", "release=", true),
        Arguments.of("release", "app=web", false),
        Arguments.of("!canary", "app=web", true),
        Arguments.of("!canary", "canary=true", false),
        Arguments.of("app=web,tier!=db", "app=web;tier=front", true),
        Arguments.of("app=web,tier!=db", "app=web;tier=db", false),
        Arguments.of(" app = web , !canary ", "app=web", true),
        Arguments.of("app=", "app=", true),
        Arguments.of("app=", "app=x", false),
        Arguments.of("replicas>2", "replicas=3", true),
        Arguments.of("replicas>2", "replicas=2", false),
        Arguments.of("replicas<2", "replicas=x", false),
        Arguments.of("app.kubernetes.io/name=web", "app.kubernetes.io/name=web", true),
        Arguments.of("env in (a),env notin (b)", "env=a", true),
        // as in k8s.io/apimachinery, an empty set member is the empty value
        Arguments.of("env in (a,,b)", "env=", true),
        Arguments.of("env notin ()", "env=", false),
        Arguments.of("env notin ()", "env=a", true));
  }

  @ParameterizedTest(name = "[{0}] on [{1}] -> {2}")
  @MethodSource("matchCases")
  void matches(String selector, String labels, boolean expected) {
    assertEquals(expected, LabelSelector.parse(selector).matches(labels(labels)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"app=web=x", "app in prod", "app in (a", "=web", "app ~ web",
      "-app=x", "app=web-", "UPPER.io/x=y", "app,", "replicas>x", "!", "app!"})
  void rejectsInvalidSyntax(String selector) {
    StatusException e = assertThrows(StatusException.class, () -> LabelSelector.parse(selector));
    assertEquals(400, e.code());
    assertTrue(e.getMessage().startsWith("unable to parse requirement"), e.getMessage());
  }

  static Stream<Arguments> canonicalCases() {
    return Stream.of(
        Arguments.of("tier!=db, app = web", "app=web,tier!=db"),
        Arguments.of("env in (qa,prod)", "env in (prod,qa)"),
        Arguments.of("x notin (b,a),!y,z", "x notin (a,b),!y,z"),
        Arguments.of("a==b", "a=b"));
  }

  @ParameterizedTest
  @MethodSource("canonicalCases")
  void printsCanonicalForm(String in, String out) {
    assertEquals(out, LabelSelector.parse(in).toString());
    assertEquals(LabelSelector.parse(in), LabelSelector.parse(out));
  }

  static Stream<Arguments> jsonCases() throws Exception {
    return Stream.of(
        Arguments.of("{\"matchLabels\":{\"app\":\"web\"}}", "app=web", true),
        Arguments.of("{\"matchLabels\":{\"app\":\"web\"}}", "app=db", false),
        Arguments.of("{}", "app=db", true),
        Arguments.of("null", "app=db", false),
        Arguments.of("{\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"In\",\"values\":[\"a\",\"b\"]}]}",
            "env=b", true),
        Arguments.of("{\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"NotIn\",\"values\":[\"a\"]}]}",
            "env=a", false),
        Arguments.of("{\"matchExpressions\":[{\"key\":\"env\",\"operator\":\"Exists\"}]}", "env=", true),
        Arguments.of("{\"matchLabels\":{\"app\":\"web\"},"
            + "\"matchExpressions\":[{\"key\":\"canary\",\"operator\":\"DoesNotExist\"}]}", "app=web;canary=1", false));
  }

  @ParameterizedTest(name = "{0} on [{1}] -> {2}")
  @MethodSource("jsonCases")
  void fromJson(String json, String labels, boolean expected) throws Exception {
    JsonNode node = Json.MAPPER.readTree(json);
    assertEquals(expected, LabelSelector.fromJson(node).matches(labels(labels)));
  }

  @Test
  void unknownJsonOperatorIsBadRequest() throws Exception {
    JsonNode node = Json.MAPPER.readTree("{\"matchExpressions\":[{\"key\":\"a\",\"operator\":\"Gt\"}]}");
    assertEquals(400, assertThrows(StatusException.class, () -> LabelSelector.fromJson(node)).code());
  }

  @Test
  void matchesObjectLabelsAndPinsValues() throws Exception {
    JsonNode pod = Json.MAPPER.readTree("{\"metadata\":{\"name\":\"p\",\"labels\":{\"app\":\"web\"}}}");
    assertTrue(LabelSelector.parse("app=web").matches(pod));
    assertFalse(LabelSelector.parse("app").matches(Json.object()));
    assertEquals("web", LabelSelector.parse("app in (web),x!=y").requiredValue("app"));
    assertEquals(null, LabelSelector.parse("app!=web").requiredValue("app"));
    assertTrue(LabelSelector.parse(null).isEverything());
    assertFalse(LabelSelector.nothing().isEverything());
  }
}
