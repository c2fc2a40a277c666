package io.dekube.apiserver.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.core.auth.UserInfo;
import io.vertx.core.MultiMap;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The headers kube-aggregator's proxy sends a backend: the user the apiserver saw, as client-go's auth proxy writes it. */
class ProxyHeadersTest {

  @Test
  void theUsersExtraGoesAsEscapedXRemoteExtraHeadersAndTheClientsOwnAreDropped() {
    MultiMap in = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json")
        .add("Authorization", "Bearer t").add("X-Remote-Extra-Scopes", "forged").add("X-Remote-User", "mallory");
    UserInfo user = new UserInfo("system:serviceaccount:default:web", "u-1",
        List.of("system:serviceaccounts", "system:authenticated"),
        Map.of("authentication.kubernetes.io/pod-name", List.of("web-0"),
            "authentication.kubernetes.io/credential-id", List.of("JTI=abc"), "scopes", List.of("a", "b%c")));
    RequestOptions o = new RequestOptions();
    ProxyHandler.headers(in, user, o);
    MultiMap out = o.getHeaders();
    assertEquals("application/json", out.get("Accept"));
    assertEquals(null, out.get("Authorization"));
    assertEquals("system:serviceaccount:default:web", out.get("X-Remote-User"));
    assertEquals(List.of("system:serviceaccounts", "system:authenticated"), out.getAll("X-Remote-Group"));
    assertEquals(List.of("web-0"), out.getAll("X-Remote-Extra-authentication.kubernetes.io%2Fpod-name"));
    assertEquals(List.of("JTI=abc"), out.getAll("X-Remote-Extra-authentication.kubernetes.io%2Fcredential-id"));
    assertEquals(List.of("a", "b%c"), out.getAll("X-Remote-Extra-scopes"), "values as they are, the client's dropped");
    assertEquals("a%25b%20c%C3%A9", ProxyHandler.headerKeyEscape("a%b cé"));
  }
}
