package io.dekube.kubelet.token;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.serviceaccount.TokenClaims;
import io.dekube.core.serviceaccount.TokenSigner;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The kubelet's token manager: the token of each projected {@code serviceAccountToken} source,
 * bound to its pod (and node), as the kubelet gets them from the TokenRequest API — here signed
 * with the cluster's key and the apiserver's issuer options (issuer, API audiences for a projection
 * without one, maximum and extended expiry), after the same checks (the ServiceAccount exists and is
 * the pod's). A
 * token is cached per pod, account, audience and expiry, and renewed once 80 % of its life has
 * passed or it is older than 24 h, as kube's kubelet does. Thread-safe; signing costs about a
 * millisecond of CPU, so call it off the event loop.
 */
public final class TokenManager {

  private static final Duration MAX_AGE = Duration.ofHours(24);
  private static final long DEFAULT_SECONDS = 3600;

  private record Key(String namespace, String account, String podUid, String audience, long seconds) {
  }

  private record Entry(String token, Instant issuedAt, Instant expiresAt) {
  }

  private final TokenSigner signer;
  private final BiFunction<String, String, ObjectNode> accounts;
  private final Function<String, ObjectNode> nodes;
  private final Clock clock;
  private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

  /**
   * @param accounts the ServiceAccounts ({@code namespace, name → object or null})
   * @param nodes    the Nodes ({@code name → object or null}), for the node claim
   */
  public TokenManager(TokenSigner signer, BiFunction<String, String, ObjectNode> accounts,
                      Function<String, ObjectNode> nodes, Clock clock) {
    this.signer = signer;
    this.accounts = accounts;
    this.nodes = nodes;
    this.clock = clock;
  }

  /**
   * The token for a projection of a pod, from the cache while it is fresh.
   *
   * @throws IllegalStateException when the pod's ServiceAccount does not exist
   */
  public String token(Pod pod, ServiceAccountTokenProjection projection) {
    String ns = pod.getMetadata().getNamespace();
    String account = pod.getSpec().getServiceAccountName() == null ? "default" : pod.getSpec().getServiceAccountName();
    String audience = projection.getAudience() == null ? "" : projection.getAudience();
    long seconds = projection.getExpirationSeconds() == null ? DEFAULT_SECONDS : projection.getExpirationSeconds();
    Key key = new Key(ns, account, pod.getMetadata().getUid(), audience, seconds);
    Instant now = clock.instant();
    Entry e = cache.get(key);
    if (e != null && !requiresRefresh(e, now)) {
      return e.token();
    }
    Entry fresh = issue(pod, key, now);
    cache.put(key, fresh);
    return fresh.token();
  }

  private Entry issue(Pod pod, Key key, Instant now) {
    ObjectNode sa = accounts.apply(key.namespace(), key.account());
    if (sa == null) {
      throw new IllegalStateException("failed to fetch token: serviceaccounts \"" + key.account() + "\" not found");
    }
    TokenClaims.Ref node = null;
    String nodeName = pod.getSpec().getNodeName();
    ObjectNode nodeObject = nodeName == null ? null : nodes.apply(nodeName);
    if (nodeName != null && !nodeName.isEmpty()) { // the name alone when the Node is not found, as kube's
      node = new TokenClaims.Ref(nodeName, nodeObject == null ? "" : nodeObject.path("metadata").path("uid").asText());
    }
    TokenSigner.Binding binding = TokenSigner.Binding.account(key.namespace(), key.account(),
        sa.path("metadata").path("uid").asText()).withPod(pod.getMetadata().getName(), key.podUid(), node);
    // as kube's kubelet: no audience asks for the apiserver's (--api-audiences)
    List<String> audiences = key.audience().isEmpty() ? List.of() : List.of(key.audience());
    TokenSigner.Issued issued = signer.bound(binding, audiences, key.seconds(), now);
    return new Entry(issued.token(), now, issued.expirationTimestamp());
  }

  /** kube's rule: expired, older than 24 h, or past 80 % of its life. */
  static boolean requiresRefresh(Entry e, Instant now) {
    if (!now.isBefore(e.expiresAt()) || Duration.between(e.issuedAt(), now).compareTo(MAX_AGE) > 0) {
      return true;
    }
    long life = Duration.between(e.issuedAt(), e.expiresAt()).toMillis();
    return now.isAfter(e.issuedAt().plusMillis(life * 8 / 10));
  }

  /** Forgets the tokens of a pod that is gone. */
  public void forget(String podUid) {
    cache.keySet().removeIf(k -> k.podUid().equals(podUid));
  }
}
