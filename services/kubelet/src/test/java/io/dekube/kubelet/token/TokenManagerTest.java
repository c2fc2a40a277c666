package io.dekube.kubelet.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.pki.ServiceAccountKey;
import io.dekube.core.serviceaccount.TokenClaims;
import io.dekube.core.serviceaccount.TokenSigner;
import io.dekube.core.serviceaccount.TokenVerifier;
import io.dekube.kubelet.pod.Volumes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjectionBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenManagerTest {

  private static final ServiceAccountKey KEY = ServiceAccountKey.generate();
  private static final Instant T0 = Instant.parse("2026-12-05T06:00:00Z");
  private Instant now = T0;
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  private final TokenManager manager = new TokenManager(TokenSigner.of(KEY), this::account, this::node, clock);


  private ObjectNode account(String ns, String name) {
    if (!name.equals("default")) {
      return null;
    }
    ObjectNode sa = Json.object();
    Json.metadata(sa).put("name", name).put("namespace", ns).put("uid", "sa-uid");
    return sa;
  }

  private ObjectNode node(String name) {
    ObjectNode n = Json.object();
    Json.metadata(n).put("name", name).put("uid", "node-uid");
    return n;
  }

  private static Pod pod(String account) {
    return new PodBuilder().withNewMetadata().withName("web").withNamespace("x").withUid("pod-uid").endMetadata()
        .withNewSpec().withServiceAccountName(account).withNodeName("kube-node-01").endSpec().build();
  }

  private static ServiceAccountTokenProjection projection(long seconds) {
    return new ServiceAccountTokenProjectionBuilder().withPath("token").withExpirationSeconds(seconds).build();
  }

  @Test
  void aPodTokenIsBoundToThePodAndNodeAndVerifies() {
    String token = manager.token(pod("default"), projection(3607));
    TokenClaims c = assertInstanceOf(TokenVerifier.Valid.class, TokenVerifier.of(KEY.publicKey()).verify(token, now))
        .claims();
    assertEquals("system:serviceaccount:x:default", c.subject());
    assertEquals(new TokenClaims.Ref("web", "pod-uid"), c.pod());
    assertEquals(new TokenClaims.Ref("kube-node-01", "node-uid"), c.node());
    assertEquals(T0.getEpochSecond() + 3607, c.warnAfter(), "the admission's 3607 s token is extended");
  }

  @Test
  void theTokenIsRenewedAfterEightyPercentOfItsLife() {
    String first = manager.token(pod("default"), projection(3600));
    now = T0.plusSeconds(2879);
    assertEquals(first, manager.token(pod("default"), projection(3600)), "fresh until 80 %");
    now = T0.plusSeconds(2881);
    String second = manager.token(pod("default"), projection(3600));
    assertNotEquals(first, second);
    manager.forget("pod-uid");
    assertNotEquals(second, manager.token(pod("default"), projection(3600)), "a forgotten pod gets a new token");
  }

  @Test
  void aMissingServiceAccountHasNoToken() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> manager.token(pod("builder"), projection(3600)));
    assertEquals("failed to fetch token: serviceaccounts \"builder\" not found", e.getMessage());
  }

  @Test
  void theVolumeHoldsTheTokenAndARefreshReplacesIt(@TempDir Path dir) throws Exception {
    Pod pod = new PodBuilder(pod("default")).editSpec().addNewVolume().withName("kube-api-access-abcde")
        .withNewProjected().addNewSource().withServiceAccountToken(projection(3600)).endSource().endProjected()
        .endVolume().endSpec().build();
    Volumes.TokenSource source = manager::token;
    Map<String, Path> dirs = Volumes.prepare(pod, dir, null, source, "127.0.0.1", "127.0.0.1");
    Path file = dirs.get("kube-api-access-abcde").resolve("token");
    String first = Files.readString(file);
    assertEquals(3, first.split("\\.").length);
    now = T0.plusSeconds(3000);
    Volumes.refreshTokens(pod, dirs, source);
    String second = Files.readString(file);
    assertNotEquals(first, second);
    assertTrue(TokenVerifier.of(KEY.publicKey()).verify(second, now) instanceof TokenVerifier.Valid);
  }
}
