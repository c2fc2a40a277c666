package io.dekube.ingress;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import java.util.function.Function;

/**
 * The request to the endpoint of the current try, with ingress-nginx's time limits: the connection
 * must be made within {@code proxy-connect-timeout}, and the endpoint may go no longer than
 * {@code proxy-read-timeout} without sending a byte of its answer (nor take longer to take the
 * request: {@code proxy-send-timeout} has the same default). Either failing fails the try, so that
 * {@link NextUpstream} goes on to the next endpoint or answers 504: without them a pod that accepts
 * connections and never answers (a hung server, a SYN queue that drops) holds the client for ever. A
 * WebSocket upgrade gets the connect timeout only: after the upgrade the tunnel is the client's.
 */
final class UpstreamOrigin implements OriginRequestProvider {

  /**
   * The limits of one try.
   *
   * @param connectMillis making the TCP connection
   * @param readMillis    the longest silence of the endpoint once the request is on its way
   */
  record Timeouts(long connectMillis, long readMillis) {
    /** ingress-nginx's defaults: proxy-connect-timeout 5 s, proxy-read-timeout and proxy-send-timeout 60 s. */
    static final Timeouts INGRESS_NGINX = new Timeouts(5_000, 60_000);
  }

  private final Timeouts timeouts;
  private final Function<ProxyContext, SocketAddress> endpoint;

  /** {@code endpoint}: the address of the current try, null when none was picked. */
  UpstreamOrigin(Timeouts timeouts, Function<ProxyContext, SocketAddress> endpoint) {
    this.timeouts = timeouts;
    this.endpoint = endpoint;
  }

  @Override
  public Future<HttpClientRequest> create(ProxyContext ctx) {
    SocketAddress address = endpoint.apply(ctx);
    if (address == null) {
      return Future.failedFuture("no endpoint picked");
    }
    RequestOptions options = new RequestOptions().setServer(address).setConnectTimeout(timeouts.connectMillis());
    if (!ctx.isWebSocket()) {
      options.setIdleTimeout(timeouts.readMillis());
    }
    return ctx.client().request(options);
  }
}
