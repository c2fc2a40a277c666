package io.dekube.apiserver.rest.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PagingTest {

  private static ObjectNode obj(String ns, String name) {
    ObjectNode o = Json.object();
    o.putObject("metadata").put("namespace", ns).put("name", name);
    return o;
  }

  private static List<String> names(List<ObjectNode> l) {
    return l.stream().map(o -> o.path("metadata").path("namespace").asText() + "/" + o.path("metadata").path("name").asText()).toList();
  }

  @Test
  void pagesInKeyOrderWithTokens() {
    List<ObjectNode> all = new ArrayList<>(List.of(obj("b", "x"), obj("a", "z"), obj("a-b", "y"), obj("a", "y"),
        obj("b", "a")));
    Paging.Page p1 = Paging.page(all, 42, null, 2, true);
    assertEquals(List.of("a-b/y", "a/y"), names(p1.items()), "etcd key order: '-' sorts before '/'");
    assertEquals(3L, p1.remaining());
    ContinueToken t = ContinueToken.decode(p1.continueToken());
    assertEquals(42, t.resourceVersion());
    assertEquals("a/y\u0000", t.start());
    Paging.Page p2 = Paging.page(all, 42, t.start(), 2, false);
    assertEquals(List.of("a/z", "b/a"), names(p2.items()));
    assertNull(p2.remaining());
    Paging.Page p3 = Paging.page(all, 42, ContinueToken.decode(p2.continueToken()).start(), 2, true);
    assertEquals(List.of("b/x"), names(p3.items()));
    assertNull(p3.continueToken());
    assertEquals(5, Paging.page(all, 42, null, 0, true).items().size());
  }

  @Test
  void tokensLookLikeKubes() {
    String json = new String(Base64.getUrlDecoder().decode(ContinueToken.after(7, "d/web").encode()),
        StandardCharsets.UTF_8);
    assertEquals("{\"v\":\"meta.k8s.io/v1\",\"rv\":7,\"start\":\"d/web\\u0000\"}", json);
    assertEquals(400, assertThrows(StatusException.class, () -> ContinueToken.decode("not-a-token")).code());
    String foreign = Base64.getUrlEncoder().encodeToString("{\"v\":\"x\",\"rv\":1,\"start\":\"a\"}".getBytes());
    assertEquals(400, assertThrows(StatusException.class, () -> ContinueToken.decode(foreign)).code());
    assertEquals(410, ContinueToken.expired().code());
  }
}
