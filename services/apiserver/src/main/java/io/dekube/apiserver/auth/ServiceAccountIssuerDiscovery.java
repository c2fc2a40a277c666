package io.dekube.apiserver.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.serviceaccount.Jws;
import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.function.Supplier;
import io.vertx.ext.web.Router;

/**
 * kube-apiserver's service account issuer discovery: {@code /.well-known/openid-configuration} (the
 * issuer, where its keys are, RS256) and {@code /openid/v1/jwks} (the public key as a JWK set), so
 * that other systems can verify the cluster's tokens. Both are non-resource URLs, authorized by RBAC
 * ({@code system:service-account-issuer-discovery} lets ServiceAccounts read them). The issuer is the
 * first {@code --service-account-issuer}; {@code jwks_uri} is {@code --service-account-jwks-uri} or
 * this apiserver's address. As kube-apiserver, an issuer that is no https URL without query and
 * fragment serves no documents (404), and says why in the log. Stateless; runs on the event loop.
 */
public final class ServiceAccountIssuerDiscovery {

  private final String issuer;
  private final RSAPublicKey key;
  private final String keyId;
  private final Supplier<String> jwksUri;

  /**
   * @param jwksUri where the key set is published ({@code jwks_uri})
   */
  public ServiceAccountIssuerDiscovery(String issuer, RSAPublicKey key, String keyId, Supplier<String> jwksUri) {
    this.issuer = issuer;
    this.key = key;
    this.keyId = keyId;
    this.jwksUri = jwksUri;
  }

  /**
   * Adds the two GET routes for {@code options}' issuer, unless kube would refuse to serve them.
   *
   * @param externalAddress {@code host:port} clients reach this apiserver at (the default {@code jwks_uri})
   */
  public static void mount(Router router, io.dekube.core.serviceaccount.IssuerOptions options, RSAPublicKey key,
                           String keyId, Supplier<String> externalAddress) {
    String problem = options.discoveryProblem();
    if (problem != null) {
      org.slf4j.LoggerFactory.getLogger(ServiceAccountIssuerDiscovery.class).error("Could not construct pre-rendered "
          + "responses for ServiceAccountIssuerDiscovery endpoints. Endpoints will not be enabled. Error: {}", problem);
      return;
    }
    new ServiceAccountIssuerDiscovery(options.issuer(), key, keyId, () -> options.jwksUri().isEmpty()
        ? "https://" + externalAddress.get() + "/openid/v1/jwks" : options.jwksUri()).mount(router);
  }

  /** Adds the two GET routes. */
  public void mount(Router router) {
    router.get("/.well-known/openid-configuration").handler(ctx -> json(ctx, configuration()));
    router.get("/openid/v1/jwks").handler(ctx -> json(ctx, jwks()));
  }

  private static void json(io.vertx.ext.web.RoutingContext ctx, ObjectNode body) {
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "public, max-age=3600")
        .end(body.toString());
  }

  /** The OpenID provider configuration. */
  ObjectNode configuration() {
    ObjectNode c = Json.object().put("issuer", issuer).put("jwks_uri", jwksUri.get());
    c.putArray("response_types_supported").add("id_token");
    c.putArray("subject_types_supported").add("public");
    c.putArray("id_token_signing_alg_values_supported").add(Jws.RS256);
    return c;
  }

  /** The key set. */
  ObjectNode jwks() {
    ObjectNode set = Json.object();
    set.putArray("keys").addObject().put("use", "sig").put("kty", "RSA").put("kid", keyId).put("alg", Jws.RS256)
        .put("n", unsigned(key.getModulus())).put("e", unsigned(key.getPublicExponent()));
    return set;
  }

  private static String unsigned(BigInteger v) {
    byte[] bytes = v.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return Jws.encode(bytes);
  }
}
