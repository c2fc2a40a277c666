package io.dekube.apiserver.auth;

import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.server.StatusResponses;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's authentication filter: runs the {@link AuthenticatorChain} on every request and
 * puts the {@link UserInfo} on the context under {@code "user"}. Credentials that no
 * authenticator accepts get 401 everywhere; a request without credentials is {@code system:anonymous}
 * (group {@code system:unauthenticated}), as with kube-apiserver's default {@code --anonymous-auth=true}:
 * RBAC then decides, so {@code /version}, {@code /healthz}, {@code /readyz} and {@code /livez} answer
 * ({@code system:public-info-viewer}) and anything else is 403 {@code forbidden: User "system:anonymous"
 * cannot get path "/api"}, unless a binding grants the anonymous user more. Runs on the event loop; does
 * no I/O; stateless besides its chain.
 */
public final class AuthenticationHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(AuthenticationHandler.class);

  private final AuthenticatorChain chain;

  public AuthenticationHandler(AuthenticatorChain chain) {
    this.chain = chain;
  }

  @Override
  public void handle(RoutingContext ctx) {
    AuthRequest request = new AuthRequest(ctx.request().getHeader(HttpHeaders.AUTHORIZATION), peerChain(ctx));
    AuthenticatorChain.Outcome outcome = chain.authenticate(request);
    if (outcome instanceof AuthenticatorChain.Success success) {
      ctx.put(UserInfo.CONTEXT_KEY, success.user());
      ctx.next();
    } else if (outcome instanceof AuthenticatorChain.NoCredentials) {
      ctx.put(UserInfo.CONTEXT_KEY, UserInfo.anonymous());
      ctx.next();
    } else {
      if (outcome instanceof AuthenticatorChain.Failure failure) {
        LOG.debug("unable to authenticate {} {}: {}", ctx.request().method(), ctx.request().path(), failure.reasons());
      }
      StatusResponses.send(ctx, StatusResponses.unauthorized());
    }
  }

  private static List<X509Certificate> peerChain(RoutingContext ctx) {
    HttpConnection connection = ctx.request().connection();
    if (connection == null || !connection.isSsl()) {
      return List.of();
    }
    try {
      List<Certificate> certs = connection.peerCertificates();
      return certs == null ? List.of() : certs.stream().filter(X509Certificate.class::isInstance)
          .map(X509Certificate.class::cast).toList();
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }
}
