package io.dekube.kubeproxy.userspace;

import io.dekube.core.net.Backend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on one service address: each accepted connection is paused, a backend is picked,
 * a connection to it is made (one retry on another backend when that fails) and bytes are piped
 * both ways until either side closes. Closing a side closes the other. A pod's connection reaches the backend
 * from the pod's address ({@link SourceClients}), unless the target masquerades it to a node's address.
 */
final class TcpListener implements Listener {

  private static final Logger LOG = LoggerFactory.getLogger(TcpListener.class);

  private final Vertx vertx;
  private final SourceClients clients;
  private final String host;
  private final int port;
  private final Function<String, String> nodeIpOf;
  private final BackendPicker picker = new BackendPicker();
  private String masquerade = "";
  private NetServer server;

  /** {@code nodeIpOf}: a node's address by its name (null when not known), for {@link ListenerPlan#ENDPOINT_NODE}. */
  TcpListener(Vertx vertx, SourceClients clients, String host, int port, Function<String, String> nodeIpOf) {
    this.vertx = vertx;
    this.clients = clients;
    this.host = host;
    this.port = port;
    this.nodeIpOf = nodeIpOf;
  }

  @Override
  public Future<Void> listen() {
    server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
        .setReuseAddress(true));
    server.connectHandler(this::accept);
    return server.listen().mapEmpty();
  }

  private void accept(NetSocket in) {
    in.pause();
    Backend b = picker.pick(in.remoteAddress().hostAddress(), System.currentTimeMillis());
    if (b == null) {
      in.close();
      return;
    }
    connect(in, b, true);
  }

  private void connect(NetSocket in, Backend b, boolean retry) {
    String source = sourceFor(in.remoteAddress().hostAddress(), b);
    clients.connect(source, b.port(), b.ip()).onComplete(ar -> {
      if (ar.failed()) {
        Backend other = retry ? picker.another(b) : null;
        if (other != null) {
          connect(in, other, false);
        } else {
          LOG.debug("{}:{} -> {} failed: {}", host, port, b.address(), ar.cause().toString());
          in.close();
        }
        return;
      }
      NetSocket out = ar.result();
      in.pipeTo(out);
      out.pipeTo(in);
      in.closeHandler(v -> out.close());
      out.closeHandler(v -> {
        in.close();
        clients.release(source);
      });
      in.resume();
    });
  }

  @Override
  public void update(ListenerPlan.Target target) {
    picker.update(target.backends(), target.clientIpAffinity(), target.affinitySeconds());
    masquerade = target.masquerade();
  }

  /** The address the endpoint sees this connection from: the client's, or a node's under masquerade. */
  private String sourceFor(String client, Backend b) {
    if (masquerade.isEmpty()) {
      return client;
    }
    if (masquerade.equals(ListenerPlan.ENDPOINT_NODE)) {
      String ip = nodeIpOf.apply(b.nodeName());
      return ip == null ? client : ip;
    }
    return masquerade;
  }

  @Override
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
