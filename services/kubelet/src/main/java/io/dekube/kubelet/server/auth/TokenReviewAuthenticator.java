package io.dekube.kubelet.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The kubelet's {@code authentication.webhook}: a bearer token is sent to an apiserver in a
 * {@code TokenReview} ({@code authentication.k8s.io/v1}, no audiences: the apiserver's own) through the
 * {@link ReviewClient}; an authenticated answer's {@code status.user} is the caller (its groups, plus
 * {@code system:authenticated}). Answers are kept for kube's {@code authentication.webhook.cacheTTL}
 * default (2 min), good and bad alike, keyed by the token's SHA-256; a review that fails is not kept.
 * Runs on the kubelet's context; never blocks.
 */
public final class TokenReviewAuthenticator implements KubeletTokenAuthenticator {

  /** kube's {@code authentication.webhook.cacheTTL} default. */
  static final Duration CACHE_TTL = Duration.ofMinutes(2);
  static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";

  private final ReviewClient reviews;
  private final ExpiringCache<Optional<KubeletUser>> cache = new ExpiringCache<>(System::nanoTime);

  /** An authenticator posting through {@code reviews} (which it does not close). */
  public TokenReviewAuthenticator(ReviewClient reviews) {
    this.reviews = reviews;
  }

  @Override
  public Future<KubeletUser> authenticate(String token) {
    String key = sha256(token);
    Optional<KubeletUser> kept = cache.get(key);
    if (kept != null) {
      return Future.succeededFuture(kept.orElse(null));
    }
    return reviews.post(PATH, review(token)).map(TokenReviewAuthenticator::user)
        .onSuccess(user -> cache.put(key, Optional.ofNullable(user), CACHE_TTL));
  }

  /** The review kube's webhook token authenticator posts. */
  static ObjectNode review(String token) {
    ObjectNode r = Json.object().put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenReview");
    r.putObject("metadata");
    r.putObject("spec").put("token", token);
    return r;
  }

  /** The user of an answered review, or null when it did not authenticate the token. */
  static KubeletUser user(JsonNode answer) {
    JsonNode status = answer.path("status");
    String name = status.path("user").path("username").asText("");
    if (!status.path("authenticated").asBoolean(false) || name.isEmpty()) {
      return null;
    }
    List<String> groups = new ArrayList<>();
    status.path("user").path("groups").forEach(g -> groups.add(g.asText()));
    if (!groups.contains(KubeletUser.AUTHENTICATED)) {
      groups.add(KubeletUser.AUTHENTICATED);
    }
    return new KubeletUser(name, groups);
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
