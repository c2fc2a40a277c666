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
 * {@code authorization.mode: Webhook}): the caller is the client certificate the TLS layer verified
 * against the cluster CA ({@link KubeletUser}); a request without one is {@code 401 Unauthorized}
 * (anonymous requests are off; bearer tokens are not read: no TokenReview). The request's
 * {@link NodeAttributes} go to the {@link KubeletAuthorizer}; a denial is {@code 403} with kube's text
 * {@code Forbidden (user=…, verb=…, resource=nodes, subresource=…)}, a failed decision {@code 500}
 * {@code Authorization error (…)}. The request is paused while the decision is pending. Runs on the
 * kubelet's context; never blocks.
 */
public final class KubeletAuth {

  private static final Logger LOG = LoggerFactory.getLogger(KubeletAuth.class);

  private final String node;
  private final KubeletAuthorizer authorizer;

  public KubeletAuth(String node, KubeletAuthorizer authorizer) {
    this.node = node;
    this.authorizer = authorizer;
  }

  /** Answers 401, 403 or 500, or hands the request to {@code next} once it is allowed. */
  public void handle(HttpServerRequest req, Handler<HttpServerRequest> next) {
    KubeletUser user = authenticate(req);
    if (user == null) {
      error(req, 401, "Unauthorized");
      return;
    }
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
