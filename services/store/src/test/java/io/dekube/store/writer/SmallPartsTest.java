package io.dekube.store.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The writer's small helpers: the reply memory and the list selectors. */
class SmallPartsTest {

  @Test
  void recentRepliesForgetTheOldestByCountAndBytes() {
    RecentReplies r = new RecentReplies(3, 100);
    r.put("a", "x", new byte[10]);
    r.put("b", "x", new byte[10]);
    r.put("c", "x", new byte[10]);
    r.put("d", "x", new byte[10]);
    assertNull(r.get("a"));
    assertNotNull(r.get("d"));
    r.put("e", "x", new byte[91]);
    assertNull(r.get("b"));
    assertNull(r.get("c"));
    assertNull(r.get("d"));
    assertEquals(1, r.size());
  }

  private static JsonNode pod(String labels, String nodeName) throws Exception {
    return Json.MAPPER.readTree(("{'metadata':{'name':'p','namespace':'ns','labels':" + labels + "},"
        + "'spec':{'nodeName':'" + nodeName + "'}}").replace('\'', '"'));
  }

  static Stream<Arguments> selectors() {
    return Stream.of(
        Arguments.of("", "", true),
        Arguments.of("app=web", "", true),
        Arguments.of("app==web", "", true),
        Arguments.of("app!=web", "", false),
        Arguments.of("app=api", "", false),
        Arguments.of("app", "", true),
        Arguments.of("!app", "", false),
        Arguments.of("!zone", "", true),
        Arguments.of("app in (api, web)", "", true),
        Arguments.of("app notin (api,web)", "", false),
        Arguments.of("tier notin (db)", "", true),
        Arguments.of("app=web,tier=front", "", true),
        Arguments.of("app=web,tier=back", "", false),
        Arguments.of("", "spec.nodeName=node-1", true),
        Arguments.of("", "spec.nodeName!=node-1", false),
        Arguments.of("", "metadata.namespace=ns,metadata.name=p", true),
        Arguments.of("app=web", "spec.nodeName=node-2", false));
  }

  @ParameterizedTest(name = "labels [{0}] fields [{1}]")
  @MethodSource("selectors")
  void listFilterSelects(String labels, String fields, boolean matches) throws Exception {
    var opts = Json.object().put("labelSelector", labels).put("fieldSelector", fields);
    assertEquals(matches, ListFilter.of(opts).matches(pod("{'app':'web','tier':'front'}", "node-1")));
  }

  @Test
  void malformedSelectorsAre400() {
    StatusException e = assertThrows(StatusException.class,
        () -> ListFilter.of(Json.object().put("fieldSelector", "spec.nodeName")));
    assertEquals(400, e.code());
    assertEquals(400, assertThrows(StatusException.class,
        () -> ListFilter.of(Json.object().put("labelSelector", "a b c"))).code());
  }
}
