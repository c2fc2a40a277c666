package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

/**
 * The TCP client of a {@code jvm} container's program (a redis replica reaching its master, a web frontend its
 * backend): names resolve as the pod resolves them (its {@code /etc/hosts}, the cluster DNS along its search
 * path), connections leave from the pod IP and keep to the pod's egress NetworkPolicies (a refused one times out,
 * as a dropped packet does). One client per container, closed when the container stops. Thread-safe.
 */
public final class PodDialer {

  private static final ExecSession.Output NO_OUTPUT = new ExecSession.Output() {
    @Override
    public void stdout(Buffer data) {
    }

    @Override
    public void stderr(Buffer data) {
    }
  };
  private final PodNet net;
  private final NetClient client;
  private final int timeoutSeconds;
  private final io.vertx.core.Context loop;

  /** A dialer for {@code c}'s program whose connections time out after {@code timeoutSeconds}. */
  public PodDialer(JvmContainer c, int timeoutSeconds) {
    this.net = new PodNet(c.vertx(), c.spec(), NO_OUTPUT, (work, stop) -> work, c.traffic());
    this.timeoutSeconds = timeoutSeconds;
    this.loop = ((io.vertx.core.internal.VertxInternal) c.vertx()).createEventLoopContext();
    this.client = c.vertx().createNetClient(new NetClientOptions().setConnectTimeout(timeoutSeconds * 1000)
        .setLocalAddress(net.localAddress()).setTcpKeepAlive(true));
    c.onStop(client::close);
  }

  /** Connects the pod to {@code host:port}. */
  public Future<NetSocket> connect(String host, int port) {
    return net.connect(client, host, port, timeoutSeconds);
  }

  /**
   * Connects the pod to {@code host:port}, the socket paused until its reader resumes it: for a protocol whose
   * server speaks first (MySQL's greeting), which could otherwise come before the reader's handler is set.
   */
  public Future<NetSocket> connectPaused(String host, int port) {
    // dialled from an event loop of its own, the socket is paused on that loop as it connects, before any read: a
    // worker's context (an exec's shell) would pause it only after the greeting came and found no handler
    io.vertx.core.Promise<NetSocket> connected = io.vertx.core.Promise.promise();
    loop.runOnContext(v -> net.connect(client, host, port, timeoutSeconds, true).onComplete(connected));
    return connected.future();
  }
}
