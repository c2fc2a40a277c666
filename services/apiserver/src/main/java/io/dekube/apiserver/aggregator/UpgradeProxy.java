package io.dekube.apiserver.aggregator;

import io.dekube.apiserver.server.ResponseAbort;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The upgrade half of kube's {@code UpgradeAwareHandler}, for the aggregator proxy and the
 * pods/services/nodes proxies: a request that asks to switch protocols ({@code Upgrade: websocket})
 * goes to the backend with its {@code Upgrade} and {@code Connection} headers; when the backend
 * answers {@code 101 Switching Protocols}, the client gets that answer with the backend's headers
 * ({@code Sec-WebSocket-Accept}, {@code Sec-WebSocket-Protocol}...) and from then on both connections
 * are one raw byte stream each way, closed together; any other answer is streamed back as an ordinary
 * response. The frames are not looked at. Only GET upgrades (WebSocket's) are tunnelled here. Runs on
 * the request's event loop; never blocks.
 */
public final class UpgradeProxy {

  private UpgradeProxy() {
  }

  /** Whether {@code req} is an upgrade this class tunnels. */
  public static boolean applies(HttpServerRequest req) {
    return ResponseAbort.upgrades(req) && req.method() == HttpMethod.GET;
  }

  /**
   * Sends the upgrade request {@code o} (its other headers already set) with {@code client} and joins
   * the connections once the backend switches; {@code failed} gets a failure to reach the backend.
   */
  public static void tunnel(RoutingContext ctx, HttpClient client, RequestOptions o, Consumer<Throwable> failed) {
    HttpServerRequest req = ctx.request();
    o.setIdleTimeout(0).putHeader(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE)
        .putHeader(HttpHeaders.UPGRADE, req.getHeader(HttpHeaders.UPGRADE));
    client.request(o).compose(out -> {
      ResponseAbort.onAbort(ctx, out::reset);
      return out.connect();
    }).onSuccess(resp -> {
      if (resp.statusCode() != 101) {
        ProxyHandler.respond(ctx, resp);
        return;
      }
      switched(ctx, resp);
    }).onFailure(failed::accept);
  }

  private static void switched(RoutingContext ctx, HttpClientResponse resp) {
    NetSocket backend = resp.netSocket();
    backend.pause();
    for (Map.Entry<String, String> h : resp.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!name.equals("content-length") && !name.equals("transfer-encoding")) {
        ctx.response().headers().add(h.getKey(), h.getValue());
      }
    }
    ctx.request().toNetSocket().onSuccess(front -> {
      front.closeHandler(v -> {
        backend.close();
        ResponseAbort.webSocketClosed(ctx);
      });
      backend.closeHandler(v -> front.close());
      front.drainHandler(v -> backend.resume());
      backend.drainHandler(v -> front.resume());
      front.handler(b -> {
        backend.write(b);
        if (backend.writeQueueFull()) {
          front.pause();
        }
      });
      backend.handler(b -> {
        front.write(b);
        if (front.writeQueueFull()) {
          backend.pause();
        }
      });
      backend.resume();
    }).onFailure(e -> backend.close());
  }
}
