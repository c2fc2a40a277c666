package io.dekube.kubelet.images.redis;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import java.util.List;

/**
 * A replica's link to its master, as redis's replication handshake goes: connect, {@code PING}, {@code AUTH}
 * ({@code masterauth}), {@code REPLCONF listening-port}, {@code REPLCONF capa eof capa psync2},
 * {@code PSYNC ? -1}; then the full copy (the data flushed and loaded) and the stream of the master's writes,
 * applied through a session that may write; {@code REPLCONF ACK <offset>} every second. A link that fails or
 * hears nothing for {@code repl-timeout} seconds is tried again every second. Callbacks take the server's lock.
 */
final class MasterLink {

  private enum State { CONNECTING, HANDSHAKE, SYNC, CONNECTED, CLOSED }

  private final Vertx vertx;
  private final RedisServer server;
  private final String host;
  private final int port;
  private final RedisLog log;
  private State state = State.CONNECTING;
  private NetSocket socket;
  private Session session;
  private int step;
  private long lastIo = System.currentTimeMillis();
  private long downSince = System.currentTimeMillis();
  private long timer = -1;
  private long retry = -1;

  MasterLink(Vertx vertx, RedisServer server, String host, int port, RedisLog log) {
    this.vertx = vertx;
    this.server = server;
    this.host = host;
    this.port = port;
    this.log = log;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  boolean up() {
    return state == State.CONNECTED;
  }

  boolean syncing() {
    return state == State.SYNC;
  }

  long lastIoSecondsAgo() {
    return (System.currentTimeMillis() - lastIo) / 1000;
  }

  long downSinceSeconds() {
    return (System.currentTimeMillis() - downSince) / 1000;
  }

  void start() {
    timer = vertx.setPeriodic(1000, t -> tick());
    connect();
  }

  void close() {
    synchronized (server) {
      state = State.CLOSED;
      vertx.cancelTimer(timer);
      vertx.cancelTimer(retry);
      if (socket != null) {
        socket.close();
      }
    }
  }

  private void connect() {
    log.notice("Connecting to MASTER " + host + ":" + port);
    log.notice("MASTER <-> REPLICA sync started");
    server.options().dialer().connect(host, port).onComplete(ar -> {
      synchronized (server) {
        if (state == State.CLOSED) {
          if (ar.succeeded()) {
            ar.result().close();
          }
          return;
        }
        if (ar.failed()) {
          log.warning("Error condition on socket for SYNC: " + reason(ar.cause()));
          again();
          return;
        }
        handshake(ar.result());
      }
    });
  }

  private static String reason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("refused") ? "Connection refused" : m.contains("resolve") || m.contains("NXDOMAIN")
        || e instanceof java.net.UnknownHostException ? "Name or service not known" : m;
  }

  private void handshake(NetSocket s) {
    socket = s;
    session = new Session(s, host + ":" + port, true);
    state = State.HANDSHAKE;
    step = 0;
    lastIo = System.currentTimeMillis();
    log.notice("Non blocking connect for SYNC fired the event.");
    RespParser[] holder = new RespParser[1];
    holder[0] = new RespParser(false, reply -> received(holder[0], reply));
    s.handler(data -> {
      synchronized (server) {
        lastIo = System.currentTimeMillis();
        try {
          holder[0].feed(data);
        } catch (RespParser.ProtocolException e) {
          log.warning("Master sent a bad stream: " + e.getMessage());
          s.close();
        }
      }
    });
    s.closeHandler(v -> {
      synchronized (server) {
        if (state != State.CLOSED && socket == s) {
          if (state == State.CONNECTED) {
            log.notice("Connection with master lost.");
            log.notice("Caching the disconnected master state.");
          } else {
            log.warning("Error condition on socket for SYNC: Connection reset by peer");
          }
          again();
        }
      }
    });
    s.exceptionHandler(e -> s.close());
    send(List.of("PING"));
  }

  private void received(RespParser parser, Reply reply) {
    if (state == State.CONNECTED) {
      if (reply instanceof Reply.Array a) {
        List<String> argv = a.items().stream().map(i -> i instanceof Reply.Bulk b ? b.value() : "").toList();
        server.execute(session, argv);
        server.replication().advance(parser.lastSize());
      }
      return;
    }
    String text = reply instanceof Reply.Status st ? st.text() : reply instanceof Reply.Error e ? e.text() : "";
    if (reply instanceof Reply.Error && !(step == 3 && text.startsWith("ERR"))) {
      log.warning(step == 0 ? "Error reply to PING from master: '-" + text + "'"
          : "Unable to AUTH to MASTER: -" + text);
      socket.close();
      return;
    }
    switch (step) {
      case 0 -> {
        log.notice("Master replied to PING, replication can continue...");
        String auth = server.config().get("masterauth");
        step = auth.isEmpty() ? 2 : 1;
        send(auth.isEmpty() ? listeningPort() : List.of("AUTH", auth));
      }
      case 1 -> {
        step = 2;
        send(listeningPort());
      }
      case 2 -> {
        step = 3;
        send(List.of("REPLCONF", "capa", "eof", "capa", "psync2"));
      }
      case 3 -> {
        step = 4;
        log.notice("Partial resynchronization not possible (no cached master)");
        send(List.of("PSYNC", "?", "-1"));
      }
      default -> fullResync(parser, text);
    }
  }

  private List<String> listeningPort() {
    return List.of("REPLCONF", "listening-port", Integer.toString(server.port() == 0
        ? (int) server.config().number("port") : server.port()));
  }

  private void fullResync(RespParser parser, String text) {
    String[] parts = text.split(" ");
    if (!parts[0].equals("FULLRESYNC") || parts.length < 3) {
      log.warning("Unexpected reply to PSYNC from master: " + text);
      socket.close();
      return;
    }
    log.notice("Full resync from master: " + parts[1] + ":" + parts[2]);
    state = State.SYNC;
    String masterReplid = parts[1];
    long masterOffset = Long.parseLong(parts[2]);
    parser.expectPayload(payload -> {
      log.notice("MASTER <-> REPLICA sync: receiving " + payload.length + " bytes from master to disk");
      log.notice("MASTER <-> REPLICA sync: Flushing old data");
      server.keyspace().flushAll();
      log.notice("MASTER <-> REPLICA sync: Loading DB in memory");
      session.db = 0;
      new RespParser(false, r -> {
        if (r instanceof Reply.Array a) {
          server.execute(session, a.items().stream().map(i -> ((Reply.Bulk) i).value()).toList());
        }
      }).feed(io.vertx.core.buffer.Buffer.buffer(payload));
      session.db = 0;
      server.replication().synced(masterReplid, masterOffset);
      state = State.CONNECTED;
      log.notice("MASTER <-> REPLICA sync: Finished with success");
    });
  }

  private void send(List<String> argv) {
    socket.write(Reply.command(argv));
  }

  private void tick() {
    synchronized (server) {
      if (state == State.CONNECTED) {
        long timeout = server.config().number("repl-timeout") * 1000;
        if (System.currentTimeMillis() - lastIo > timeout) {
          log.warning("MASTER timeout: no data nor PING received...");
          socket.close();
          return;
        }
        send(List.of("REPLCONF", "ACK", Long.toString(server.replication().offset())));
      }
    }
  }

  /** The link is down: counted from now, tried again in a second. */
  private void again() {
    if (state == State.CONNECTED || state == State.SYNC || state == State.HANDSHAKE) {
      downSince = System.currentTimeMillis();
    }
    state = State.CONNECTING;
    socket = null;
    vertx.cancelTimer(retry);
    retry = vertx.setTimer(1000, t -> {
      synchronized (server) {
        if (state == State.CONNECTING) {
          connect();
        }
      }
    });
  }
}
