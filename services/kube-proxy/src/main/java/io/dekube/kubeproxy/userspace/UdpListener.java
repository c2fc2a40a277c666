package io.dekube.kubeproxy.userspace;

import io.dekube.core.net.Backend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A UDP proxy on one service address: each client address gets a session (its own socket
 * towards one picked backend); what the backend answers goes back to the client from the service
 * address. Sessions idle for 30 s are closed.
 */
final class UdpListener implements Listener {

  private static final long IDLE_MILLIS = 30_000;

  private final class Session {
    final DatagramSocket upstream;
    final Backend backend;
    long lastSeen;

    Session(SocketAddress clientAddr, Backend backend) {
      this.backend = backend;
      this.upstream = vertx.createDatagramSocket(new DatagramSocketOptions());
      upstream.handler(p -> socket.send(p.data(), clientAddr.port(), clientAddr.hostAddress()));
    }
  }

  private final Vertx vertx;
  private final String host;
  private final int port;
  private final BackendPicker picker = new BackendPicker();
  private final Map<String, Session> sessions = new HashMap<>();
  private DatagramSocket socket;
  private long timer = -1;

  UdpListener(Vertx vertx, String host, int port) {
    this.vertx = vertx;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<Void> listen() {
    socket = vertx.createDatagramSocket(new DatagramSocketOptions().setReuseAddress(true));
    socket.handler(p -> forward(p.sender(), p.data()));
    timer = vertx.setPeriodic(IDLE_MILLIS, t -> expire());
    return socket.listen(port, host).mapEmpty();
  }

  private void forward(SocketAddress from, Buffer data) {
    String key = from.hostAddress() + ":" + from.port();
    Session s = sessions.get(key);
    if (s == null) {
      Backend b = picker.pick(from.hostAddress(), System.currentTimeMillis());
      if (b == null) {
        return;
      }
      s = new Session(from, b);
      sessions.put(key, s);
    }
    s.lastSeen = System.currentTimeMillis();
    s.upstream.send(data, s.backend.port(), s.backend.ip());
  }

  private void expire() {
    long now = System.currentTimeMillis();
    sessions.values().removeIf(s -> {
      boolean idle = now - s.lastSeen > IDLE_MILLIS;
      if (idle) {
        s.upstream.close();
      }
      return idle;
    });
  }

  @Override
  public void update(ListenerPlan.Target target) {
    List<Backend> ready = target.backends();
    picker.update(ready, target.clientIpAffinity(), target.affinitySeconds());
    sessions.values().removeIf(s -> {
      boolean gone = !ready.contains(s.backend);
      if (gone) {
        s.upstream.close();
      }
      return gone;
    });
  }

  @Override
  public Future<Void> close() {
    vertx.cancelTimer(timer);
    sessions.values().forEach(s -> s.upstream.close());
    sessions.clear();
    return socket == null ? Future.succeededFuture() : socket.close();
  }
}
