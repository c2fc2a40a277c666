package io.dekube.store.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.BusPartitioner;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestParserTest {

  private static final int PARTITIONS = 12;
  private static final int CM = BusPartitioner.partition("configmaps", PARTITIONS);
  private final RequestParser parser = new RequestParser(ResourceRegistry.builtIn(), 1000);

  private static byte[] json(String s) {
    return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  /** value, expected reason, whether it can be answered, the code of the answer. */
  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("not json", "not-json", false, 400),
        Arguments.of("[1,2]", "not-json", false, 400),
        Arguments.of("", "empty", false, 400),
        Arguments.of("{'id':'1','verb':'get','resource':'configmaps'}", "missing-fields", false, 400),
        Arguments.of("{'id':'1','requester':'r','resource':'configmaps'}", "missing-fields", true, 400),
        Arguments.of("{'requester':'r','verb':'get','resource':'configmaps'}", "missing-fields", true, 400),
        Arguments.of("{'id':'1','requester':'r','verb':'explode','resource':'configmaps'}", "unknown-verb", true, 400),
        Arguments.of("{'id':'1','requester':'r','verb':'get','resource':'frobs'}", "unknown-resource", true, 404),
        Arguments.of("{'id':'1','requester':'r','verb':'get','resource':'pods'}", "wrong-partition", true, 400),
        Arguments.of("{'id':'1','requester':'r','verb':'create','resource':'configmaps','body':[1]}", "bad-fields",
            true, 400),
        Arguments.of("{'id':'1','requester':'r','verb':'get','resource':'configmaps','pad':'" + "x".repeat(1000) + "'}",
            "too-large", true, 413));
  }

  @ParameterizedTest(name = "{1}: {0}")
  @MethodSource("bad")
  void rejects(String value, String reason, boolean answerable, int code) {
    RequestParser.Result r = parser.parse(json(value), CM, PARTITIONS);
    assertNull(r.request());
    assertNotNull(r.rejected());
    assertEquals(reason, r.rejected().reason());
    assertEquals(answerable, r.rejected().answerable());
    assertEquals(code, r.rejected().error().code());
  }

  @Test
  void parsesAWellFormedRequest() {
    RequestParser.Result r = parser.parse(json("{'id':'1','requester':'r','verb':'delete','resource':'configmaps',"
        + "'namespace':'ns','name':'a','preconditions':{'uid':'u'},'options':{'dryRun':['All']}}"), CM, PARTITIONS);
    assertNull(r.rejected());
    assertEquals(Verb.DELETE, r.request().verb());
    assertEquals("configmaps", r.request().type().resourceName());
    assertEquals("ns", r.request().namespace());
    assertEquals("a", r.request().name());
    assertEquals("u", r.request().options().uid());
    assertTrue(r.request().options().dryRun());
    assertFalse(r.rejected() != null);
  }
}
