package io.dekube.kubelet.server.auth;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet API's filter, as kube's {@code InstallAuthFilter} with kubeadm's kubelet settings
 * ({@code authentication.x509.clientCAFile}, {@code anonymous.enabled: false},
 * {@code authentication.webhook.enabled: true}, {@code authorization.mode: Webhook}): the caller is the
 * client certificate the TLS layer verified against the cluster CA ({@link KubeletUser}), else the user
 * of the request's bearer token as a TokenReview names it ({@link KubeletTokenAuthenticator}); a request
 * with neither, or with a token the apiserver does not accept, is {@code 401 Unauthorized} (anonymous
 * requests are off; a review that fails is a 401 too, as kube's authentication errors are). The request's
 * {@link NodeAttributes} go to the {@link KubeletAuthorizer}; a denial is {@code 403} with kube's text
 * {@code Forbidden (user=…, verb=…, resource=nodes, subresource=…)}, a failed decision {@code 500}
 * {@code Authorization error (…)}. The request is paused while the decision is pending. Runs on the
 * kubelet's context; never blocks.
 */
public final class KubeletAuth {

  private static final Logger LOG = LoggerFactory.getLogger(KubeletAuth.class);

  private final String node;
  private final KubeletAuthorizer authorizer;
  private final KubeletTokenAuthenticator tokens;

  /** @param tokens authenticates bearer tokens; null reads none (a request without a certificate is 401) */
  public KubeletAuth(String node, KubeletAuthorizer authorizer, KubeletTokenAuthenticator tokens) {
    this.node = node;
    this.authorizer = authorizer;
    this.tokens = tokens;
  }

  /** Answers 401, 403 or 500, or hands the request to {@code next} once it is allowed. */
  public void handle(HttpServerRequest req, Handler<HttpServerRequest> next) {
    KubeletUser user = authenticate(req);
    if (user != null) {
      authorize(req, user, next);
      return;
    }
    String token = bearerToken(req.getHeader("Authorization"));
    if (token == null || tokens == null) {
      error(req, 401, "Unauthorized");
      return;
    }
    req.pause();
    tokens.authenticate(token).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("kubelet API of {}: cannot authenticate a bearer token for {} {}: {}", node, req.method(),
            req.path(), ar.cause().getMessage());
      }
      if (ar.failed() || ar.result() == null) {
        req.resume();
        error(req, 401, "Unauthorized");
      } else {
        authorize(req, ar.result(), next);
      }
    });
  }

  /** The token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive), or null. */
  static String bearerToken(String header) {
    if (header == null) {
      return null;
    }
    String v = header.trim();
    int space = v.indexOf(' ');
    if (space <= 0 || !v.substring(0, space).equalsIgnoreCase("Bearer")) {
      return null;
    }
    String token = v.substring(space + 1).trim();
    return token.isEmpty() ? null : token;
  }

  private void authorize(HttpServerRequest req, KubeletUser user, Handler<HttpServerRequest> next) {
    NodeAttributes a = NodeAttributes.of(user, req.method().name(), req.path(), node);
    req.pause();
    authorizer.authorize(a).onComplete(ar -> {
      req.resume();
      if (ar.failed()) {
        LOG.warn("kubelet API of {}: cannot authorize {} {} ({}): {}", node, req.method(), req.path(), a.describe(),
            ar.cause().getMessage());
        error(req, 500, "Authorization error (" + a.describe() + ")");
      } else if (!ar.result()) {
        LOG.debug("kubelet API of {}: forbidden {} {} ({})", node, req.method(), req.path(), a.describe());
        error(req, 403, "Forbidden (" + a.describe() + ")");
      } else {
        next.handle(req);
      }
    });
  }

  /** The user of the verified client certificate, or null when the client sent none. */
  static KubeletUser authenticate(HttpServerRequest req) {
    SSLSession session = req.connection().sslSession();
    if (session == null) {
      return null;
    }
    try {
      Certificate[] chain = session.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? KubeletUser.of(x) : null;
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  private static void error(HttpServerRequest req, int status, String text) {
    req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
  }
}
