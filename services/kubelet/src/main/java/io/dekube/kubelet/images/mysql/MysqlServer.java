package io.dekube.kubelet.images.mysql;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * mysqld's network side: MySQL's client/server protocol on {@code host:port}, one {@link ServerConnection} per
 * client, the SQL run by {@link SqlEngine} on a worker pool of its own (never on an event loop). Thread-safe.
 */
final class MysqlServer {

  private final Vertx vertx;
  private final SqlEngine engine;
  private final WorkerExecutor workers;
  private final Set<ServerConnection> open = ConcurrentHashMap.newKeySet();
  private NetServer server;

  MysqlServer(Vertx vertx, SqlEngine engine, WorkerExecutor workers) {
    this.vertx = vertx;
    this.engine = engine;
    this.workers = workers;
  }

  /** Listens on {@code host:port}; {@code admit} wraps the handler (the pod's NetworkPolicies). */
  Future<Integer> listen(String host, int port, UnaryOperator<Handler<NetSocket>> admit) {
    server = vertx.createNetServer(new NetServerOptions().setHost(host).setPort(port).setReuseAddress(true)
        .setTcpNoDelay(true));
    server.connectHandler(admit.apply(socket -> {
      ServerConnection c = new ServerConnection(socket, engine, workers);
      open.add(c);
      socket.closeHandler(v -> {
        open.remove(c);
        c.closed();
      });
      c.start();
    }));
    return server.listen().map(NetServer::actualPort);
  }

  /** Stops listening and drops every client. */
  Future<Void> close() {
    open.forEach(ServerConnection::drop);
    return server == null ? Future.succeededFuture() : server.close();
  }
}
