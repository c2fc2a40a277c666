package io.dekube.core.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * The claims of a service account token, as kube-apiserver writes them. A bound token (TokenRequest,
 * projected volumes) carries the registered claims ({@code iss}, {@code sub}, {@code aud},
 * {@code exp}, {@code iat}, {@code nbf}, {@code jti}) and a private {@code kubernetes.io} claim with
 * the namespace, the service account (name, uid), the object it is bound to (a pod — with its
 * node — or a secret) and, for the kubelet's extended tokens, {@code warnafter}. A legacy token (a
 * {@code kubernetes.io/service-account-token} Secret) has issuer {@code kubernetes/serviceaccount},
 * flat {@code kubernetes.io/serviceaccount/...} claims and no expiry. Immutable.
 *
 * @param issuer     {@code iss}
 * @param subject    {@code sub}: {@code system:serviceaccount:<ns>:<name>}
 * @param audiences  {@code aud} (empty for legacy tokens)
 * @param issuedAt   {@code iat} in epoch seconds (0 = absent)
 * @param notBefore  {@code nbf} in epoch seconds (0 = absent)
 * @param expiry     {@code exp} in epoch seconds (0 = never, legacy tokens only)
 * @param id         {@code jti} ("" = absent)
 * @param namespace  the service account's namespace
 * @param account    the service account
 * @param pod        the pod the token is bound to, or null
 * @param secret     the secret the token is bound to (or, legacy, stored in), or null
 * @param node       the node of the bound pod (its uid "" when the node was not found), the node the token is
 *                   bound to, or null
 * @param warnAfter  epoch seconds after which an extended token counts as stale (0 = none)
 */
public record TokenClaims(String issuer, String subject, List<String> audiences, long issuedAt, long notBefore,
                          long expiry, String id, String namespace, Ref account, Ref pod, Ref secret, Ref node,
                          long warnAfter) {

  /** kube-apiserver's default {@code --service-account-issuer}, also its default API audience. */
  public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
  /** The issuer of legacy (Secret) tokens. */
  public static final String LEGACY_ISSUER = "kubernetes/serviceaccount";

  private static final String K8S = "kubernetes.io";
  private static final String LEGACY = "kubernetes.io/serviceaccount/";

  /** A reference to an object by name and uid. */
  public record Ref(String name, String uid) {
    public Ref {
      name = name == null ? "" : name;
      uid = uid == null ? "" : uid;
    }
  }

  public TokenClaims {
    audiences = List.copyOf(audiences);
    id = id == null ? "" : id;
  }

  /** Whether this is a legacy Secret token. */
  public boolean legacy() {
    return LEGACY_ISSUER.equals(issuer);
  }

  /** The user name of a service account: {@code system:serviceaccount:<ns>:<name>}. */
  public static String username(String namespace, String name) {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  /** The groups of a service account: {@code system:serviceaccounts} and {@code system:serviceaccounts:<ns>}. */
  public static List<String> groups(String namespace) {
    return List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace);
  }

  /** The claims as the JWT payload. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    if (legacy()) {
      o.put("iss", issuer);
      o.put(LEGACY + "namespace", namespace);
      o.put(LEGACY + "secret.name", secret == null ? "" : secret.name());
      o.put(LEGACY + "service-account.name", account.name());
      o.put(LEGACY + "service-account.uid", account.uid());
      o.put("sub", subject);
      return o;
    }
    ArrayNode aud = o.putArray("aud");
    audiences.forEach(aud::add);
    o.put("exp", expiry).put("iat", issuedAt).put("iss", issuer);
    if (!id.isEmpty()) {
      o.put("jti", id);
    }
    ObjectNode k = o.putObject(K8S).put("namespace", namespace);
    ref(k, "node", node);
    ref(k, "pod", pod);
    ref(k, "secret", secret);
    ref(k, "serviceaccount", account);
    if (warnAfter != 0) {
      k.put("warnafter", warnAfter);
    }
    o.put("nbf", notBefore).put("sub", subject);
    return o;
  }

  /** A reference as kube's claims write one: an empty name or uid is left out. */
  private static void ref(ObjectNode parent, String field, Ref ref) {
    if (ref != null) {
      ObjectNode o = parent.putObject(field);
      if (!ref.name().isEmpty()) {
        o.put("name", ref.name());
      }
      if (!ref.uid().isEmpty()) {
        o.put("uid", ref.uid());
      }
    }
  }

  /** Reads a JWT payload; null when it does not hold service account claims. */
  public static TokenClaims fromJson(JsonNode o) {
    String iss = o.path("iss").asText("");
    if (LEGACY_ISSUER.equals(iss)) {
      String ns = o.path(LEGACY + "namespace").asText("");
      String secretName = o.path(LEGACY + "secret.name").asText("");
      return new TokenClaims(iss, o.path("sub").asText(""), List.of(), 0, 0, 0, "", ns,
          new Ref(o.path(LEGACY + "service-account.name").asText(""), o.path(LEGACY + "service-account.uid").asText("")),
          null, secretName.isEmpty() ? null : new Ref(secretName, ""), null, 0);
    }
    JsonNode k = o.path(K8S);
    if (!k.isObject()) {
      return null;
    }
    List<String> aud = new ArrayList<>();
    if (o.path("aud").isArray()) {
      o.path("aud").forEach(a -> aud.add(a.asText()));
    } else if (o.path("aud").isTextual()) {
      aud.add(o.path("aud").asText());
    }
    return new TokenClaims(iss, o.path("sub").asText(""), aud, o.path("iat").asLong(0), o.path("nbf").asLong(0),
        o.path("exp").asLong(0), o.path("jti").asText(""), k.path("namespace").asText(""),
        refOf(k.path("serviceaccount")), refOf(k.path("pod")), refOf(k.path("secret")), refOf(k.path("node")),
        k.path("warnafter").asLong(0));
  }

  private static Ref refOf(JsonNode n) {
    return n.isObject() ? new Ref(n.path("name").asText(""), n.path("uid").asText("")) : null;
  }
}
