package io.dekube.kubelet.images.mysql;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * One client of the server: the handshake (a nonce, the version's default plugin), authentication by the plugin the
 * client answers with ({@code mysql_native_password} or {@code caching_sha2_password}'s fast path; another one is
 * switched to the default), then commands one at a time — COM_QUERY, COM_INIT_DB, COM_PING, COM_QUIT — each
 * answered with sequence ids from 1. Packets arrive on the socket's event loop; SQL runs on the workers. Not
 * thread-safe: used on its socket's context only.
 */
final class ServerConnection {

  private static final int COM_QUIT = 0x01;
  private static final int COM_INIT_DB = 0x02;
  private static final int COM_QUERY = 0x03;
  private static final int COM_FIELD_LIST = 0x04;
  private static final int COM_STATISTICS = 0x09;
  private static final int COM_PING = 0x0E;
  private static final int COM_RESET_CONNECTION = 0x1F;
  private static final int COM_BINLOG_DUMP = 0x12;
  private static final int COM_REGISTER_SLAVE = 0x15;

  private enum State { HANDSHAKE, SWITCHED, COMMANDS, CLOSED }

  private final NetSocket socket;
  private final SqlEngine engine;
  private final WorkerExecutor workers;
  private final Deque<Buffer> queue = new ArrayDeque<>();
  private final byte[] nonce = Scramble.nonce();
  private final String host;
  private State state = State.HANDSHAKE;
  private Packets.HandshakeResponse response;
  private SqlSession session;
  private BinlogSender sender;
  private boolean busy;
  private int seq;

  ServerConnection(NetSocket socket, SqlEngine engine, WorkerExecutor workers) {
    this.socket = socket;
    this.engine = engine;
    this.workers = workers;
    this.host = socket.remoteAddress() == null ? "localhost" : socket.remoteAddress().hostAddress();
  }

  void start() {
    Wire.Framer framer = new Wire.Framer((s, payload) -> {
      seq = s;
      queue.add(payload);
      next();
    });
    socket.handler(framer::feed);
    send(0, Packets.handshake(engine.version().number(), engine.peekConnectionId(), nonce,
        engine.version().defaultPlugin()));
  }

  /** The client went away: its session ends. */
  void closed() {
    state = State.CLOSED;
    if (sender != null) {
      sender.stop();
    }
    SqlSession s = session;
    session = null;
    if (s != null) {
      workers.executeBlocking(() -> {
        s.close();
        return null;
      }, false);
    }
  }

  /** The server stops: the client is dropped. */
  void drop() {
    socket.close();
  }

  private void next() {
    if (busy || queue.isEmpty() || state == State.CLOSED) {
      return;
    }
    Buffer payload = queue.poll();
    busy = true;
    handle(payload).onComplete(ar -> {
      busy = false;
      next();
    });
  }

  private Future<Void> handle(Buffer payload) {
    return switch (state) {
      case HANDSHAKE -> handshake(payload);
      case SWITCHED -> authenticate(response.plugin(), payload.getBytes());
      case COMMANDS -> command(payload);
      case CLOSED -> Future.succeededFuture();
    };
  }

  private Future<Void> handshake(Buffer payload) {
    Packets.HandshakeResponse r = Packets.handshakeResponse(payload);
    if (r == null) {
      send(seq + 1, Packets.error(new SqlResult.Error(1043, "08S01", "Bad handshake")));
      socket.close();
      return Future.succeededFuture();
    }
    String plugin = r.plugin() == null ? Scramble.NATIVE : r.plugin();
    if (!plugin.equals(Scramble.NATIVE) && !plugin.equals(Scramble.CACHING_SHA2)) {
      response = new Packets.HandshakeResponse(r.capabilities(), r.user(), r.auth(), r.database(),
          engine.version().defaultPlugin());
      state = State.SWITCHED;
      send(seq + 1, Packets.authSwitch(response.plugin(), nonce));
      return Future.succeededFuture();
    }
    response = new Packets.HandshakeResponse(r.capabilities(), r.user(), r.auth(), r.database(), plugin);
    return authenticate(plugin, r.auth());
  }

  private Future<Void> authenticate(String plugin, byte[] answer) {
    String user = response.user();
    return workers.executeBlocking(() -> {
      byte[] stored = engine.stored(user, plugin);
      if (stored == null || !Scramble.verify(plugin, stored, nonce, answer)) {
        return null;
      }
      SqlSession s = engine.session(user, host);
      if (response.database() != null) {
        SqlResult used = s.use(response.database());
        if (used instanceof SqlResult.Error e) {
          s.close();
          throw new DatabaseRefused(e);
        }
      }
      return s;
    }, false).compose(s -> {
      if (s == null) {
        send(seq + 1, Packets.error(MysqlErrors.accessDenied(user, host, answer.length > 0)));
        socket.close();
        return Future.<Void>succeededFuture();
      }
      if (state == State.CLOSED) {
        s.close();
        return Future.<Void>succeededFuture();
      }
      session = s;
      state = State.COMMANDS;
      int next = seq + 1;
      if (plugin.equals(Scramble.CACHING_SHA2) && answer.length > 0) {
        send(next++, Packets.fastAuthOk());
      }
      send(next, Packets.ok(0, 0, Packets.STATUS_AUTOCOMMIT, ""));
      return Future.<Void>succeededFuture();
    }, e -> {
      send(seq + 1, Packets.error(e instanceof DatabaseRefused d ? d.error
          : new SqlResult.Error(1105, "HY000", String.valueOf(e.getMessage()))));
      socket.close();
      return Future.succeededFuture();
    });
  }

  private Future<Void> command(Buffer payload) {
    if (payload.length() == 0) {
      return Future.succeededFuture();
    }
    int command = payload.getUnsignedByte(0);
    String arg = payload.getString(1, payload.length(), StandardCharsets.UTF_8.name());
    return switch (command) {
      case COM_QUIT -> {
        socket.close();
        yield Future.succeededFuture();
      }
      case COM_PING, COM_RESET_CONNECTION -> {
        send(1, Packets.ok(0, 0, status(), ""));
        yield Future.succeededFuture();
      }
      case COM_STATISTICS -> {
        send(1, Buffer.buffer("Uptime: 1  Threads: 1  Questions: 1  Slow queries: 0  Opens: 1  Flush tables: 1  "
            + "Open tables: 1  Queries per second avg: 1.000"));
        yield Future.succeededFuture();
      }
      case COM_FIELD_LIST -> {
        send(1, Packets.eof(status()));
        yield Future.succeededFuture();
      }
      case COM_REGISTER_SLAVE -> {
        send(1, Packets.ok(0, 0, status(), ""));
        yield Future.succeededFuture();
      }
      case COM_BINLOG_DUMP -> {
        dump(payload);
        yield Future.succeededFuture();
      }
      case COM_INIT_DB -> run(s -> s.use(arg));
      case COM_QUERY -> run(s -> s.execute(arg));
      default -> {
        send(1, Packets.error(new SqlResult.Error(1047, "08S01", "Unknown command")));
        yield Future.succeededFuture();
      }
    };
  }

  /** COM_BINLOG_DUMP: a replica asks for the binary log from a file and position; this connection only streams now. */
  private void dump(Buffer payload) {
    Binlog binlog = engine.binlog();
    if (binlog == null) {
      send(1, Packets.error(new SqlResult.Error(1236, "HY000", "Binary log is not open")));
      socket.close();
      return;
    }
    long position = payload.getUnsignedIntLE(1);
    String file = payload.getString(11, payload.length(), StandardCharsets.UTF_8.name());
    Object id = engine.variables().get("server_id");
    sender = new BinlogSender(socket, binlog, Long.parseLong(String.valueOf(id)), workers, file, position);
    sender.start();
  }

  private Future<Void> run(java.util.function.Function<SqlSession, SqlResult> work) {
    SqlSession s = session;
    return workers.executeBlocking(() -> work.apply(s), false).map(result -> {
      answer(result);
      return (Void) null;
    }).recover(e -> {
      answer(new SqlResult.Error(1105, "HY000", String.valueOf(e.getMessage())));
      return Future.succeededFuture();
    });
  }

  private void answer(SqlResult result) {
    if (result instanceof SqlResult.Ok ok) {
      send(1, Packets.ok(ok.affected(), ok.lastInsertId(), status(), ok.info()));
    } else if (result instanceof SqlResult.Error e) {
      send(1, Packets.error(e));
    } else if (result instanceof SqlResult.Rows rows) {
      List<Buffer> payloads = Packets.resultSet(rows, status());
      Buffer all = Buffer.buffer();
      for (int i = 0; i < payloads.size(); i++) {
        all.appendBuffer(Wire.packet((i + 1) & 0xFF, payloads.get(i)));
      }
      socket.write(all);
    }
  }

  private int status() {
    SqlSession s = session;
    return s == null || s.autocommit() ? Packets.STATUS_AUTOCOMMIT : Packets.STATUS_IN_TRANS;
  }

  private void send(int sequence, Buffer payload) {
    if (state != State.CLOSED) {
      socket.write(Wire.packet(sequence & 0xFF, payload));
    }
  }

  /** The database the client named at connect does not exist. */
  private static final class DatabaseRefused extends RuntimeException {
    private final transient SqlResult.Error error;

    DatabaseRefused(SqlResult.Error error) {
      super(error.message(), null, false, false);
      this.error = error;
    }
  }
}
