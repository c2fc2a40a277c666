package io.dekube.kubelet.images.mysql;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The client side of MySQL's protocol, for the image's {@code mysql} and {@code mysqladmin}: connect (the
 * handshake, the password by the plugin the server names, an auth switch, caching_sha2's fast path), then queries
 * with text result sets, COM_INIT_DB, COM_PING and COM_QUIT. A server error fails the future with
 * {@link ServerError}. Thread-safe; one request at a time.
 */
public final class MysqlClient {

  /** Connects the pod to {@code host:port}, the socket paused: the client resumes it once it reads. */
  public interface Dialer {
    Future<NetSocket> connect(String host, int port);
  }

  /** An ERR packet: MySQL's code, SQLSTATE and message, as {@code ERROR 1045 (28000): ...} prints them. */
  public static final class ServerError extends RuntimeException {
    public final int code;
    public final String sqlState;

    ServerError(int code, String sqlState, String message) {
      super(message, null, false, false);
      this.code = code;
      this.sqlState = sqlState;
    }

    /** {@code ERROR code (state): message}. */
    public String line() {
      return "ERROR " + code + " (" + sqlState + "): " + getMessage();
    }
  }

  /** A statement's answer: rows with their columns ({@code columns} null for an OK), or an OK's figures. */
  public record Result(List<String> columns, List<ColumnType> types, List<List<String>> rows, long affected, String info) {
    public boolean isRows() {
      return columns != null;
    }
  }

  private final NetSocket socket;
  private final Deque<Buffer> inbox = new ArrayDeque<>();
  private final Deque<Promise<Buffer>> waiting = new ArrayDeque<>();
  private boolean closed;
  private Promise<Void> dump;
  private java.util.function.Consumer<Buffer> events;
  private String serverVersion = "";
  private long connectionId;

  private MysqlClient(NetSocket socket) {
    this.socket = socket;
    Wire.Framer framer = new Wire.Framer((seq, payload) -> arrived(payload));
    socket.handler(framer::feed);
    socket.closeHandler(v -> {
      List<Promise<Buffer>> failed;
      synchronized (this) {
        closed = true;
        failed = new ArrayList<>(waiting);
        waiting.clear();
      }
      failed.forEach(p -> p.tryFail(new ServerError(2013, "HY000", "Lost connection to MySQL server during query")));
      Promise<Void> d = dump;
      if (d != null) {
        d.tryFail(new ServerError(2013, "HY000", "Lost connection to MySQL server during query"));
      }
    });
    socket.resume();
  }

  /** Connects and logs in as {@code user} with {@code password} (null or empty: none), in {@code database} (or none). */
  public static Future<MysqlClient> connect(Dialer dialer, String host, int port, String user, String password,
                                     String database) {
    return dialer.connect(host, port).compose(s -> {
      MysqlClient c = new MysqlClient(s);
      return c.login(user, password, database).map(c).onFailure(e -> s.close());
    });
  }

  public String serverVersion() {
    return serverVersion;
  }

  long connectionId() {
    return connectionId;
  }

  private Future<Void> login(String user, String password, String database) {
    return next().compose(hello -> {
      Wire.Reader r = new Wire.Reader(hello);
      int protocol = r.int1();
      if (protocol == 0xFF) {
        return Future.failedFuture(error(hello));
      }
      serverVersion = r.nulString();
      connectionId = r.int4();
      byte[] part1 = r.bytes(8);
      r.skip(1);
      int capsLow = r.int2();
      r.skip(1 + 2);
      int caps = capsLow | (r.int2() << 16);
      int nonceLength = r.int1();
      r.skip(10);
      byte[] part2 = r.bytes(Math.max(13, nonceLength - 8) - 1);
      r.skip(1);
      String plugin = r.more() ? r.nulString() : Scramble.NATIVE;
      byte[] nonce = new byte[part1.length + part2.length];
      System.arraycopy(part1, 0, nonce, 0, 8);
      System.arraycopy(part2, 0, nonce, 8, part2.length);
      send(1, response(caps, user, Scramble.answer(plugin, password, nonce), database, plugin));
      return authReply(password, plugin);
    });
  }

  private static Buffer response(int serverCaps, String user, byte[] auth, String database, String plugin) {
    int caps = (Packets.CLIENT_LONG_PASSWORD | Packets.CLIENT_LONG_FLAG | Packets.CLIENT_PROTOCOL_41
        | Packets.CLIENT_INTERACTIVE | Packets.CLIENT_TRANSACTIONS | Packets.CLIENT_SECURE_CONNECTION
        | Packets.CLIENT_MULTI_RESULTS | Packets.CLIENT_PLUGIN_AUTH | Packets.CLIENT_PLUGIN_AUTH_LENENC
        | (database != null ? Packets.CLIENT_CONNECT_WITH_DB : 0)) & serverCaps;
    Buffer b = Buffer.buffer();
    Wire.int4(b, caps);
    Wire.int4(b, 16 * 1024 * 1024);
    b.appendByte((byte) 255).appendBytes(new byte[23]);
    Wire.nulString(b, user);
    if ((caps & Packets.CLIENT_PLUGIN_AUTH_LENENC) != 0) {
      Wire.lenencString(b, auth);
    } else {
      b.appendByte((byte) auth.length).appendBytes(auth);
    }
    if ((caps & Packets.CLIENT_CONNECT_WITH_DB) != 0) {
      Wire.nulString(b, database);
    }
    if ((caps & Packets.CLIENT_PLUGIN_AUTH) != 0) {
      Wire.nulString(b, plugin);
    }
    return b;
  }

  private Future<Void> authReply(String password, String plugin) {
    return next().compose(p -> {
      int first = p.length() == 0 ? 0 : p.getUnsignedByte(0);
      if (first == 0x00) {
        return Future.<Void>succeededFuture();
      }
      if (first == 0xFF) {
        return Future.<Void>failedFuture(error(p));
      }
      if (first == 0xFE) { // auth switch: the plugin the server wants, a new nonce
        Wire.Reader r = new Wire.Reader(p);
        r.skip(1);
        String other = r.nulString();
        byte[] nonce = r.restBytes();
        byte[] n = nonce.length > 0 && nonce[nonce.length - 1] == 0 ? java.util.Arrays.copyOf(nonce, nonce.length - 1)
            : nonce;
        send(3, Buffer.buffer(Scramble.answer(other, password, n)));
        return authReply(password, other);
      }
      if (first == 0x01 && p.length() > 1 && p.getUnsignedByte(1) == 3) {
        return authReply(password, plugin);
      }
      return Future.<Void>failedFuture(new ServerError(2061, "HY000", "Authentication plugin '" + plugin
          + "' reported error: Authentication requires secure connection."));
    });
  }

  /** Runs {@code sql} (COM_QUERY). */
  public Future<Result> query(String sql) {
    send(0, Buffer.buffer().appendByte((byte) 0x03).appendString(sql, "UTF-8"));
    return next().compose(first -> {
      int kind = first.length() == 0 ? 0 : first.getUnsignedByte(0);
      if (kind == 0xFF) {
        return Future.failedFuture(error(first));
      }
      if (kind == 0x00) {
        Wire.Reader r = new Wire.Reader(first);
        r.skip(1);
        long affected = r.lenenc();
        r.lenenc();
        r.skip(4);
        return Future.succeededFuture(new Result(null, null, null, affected, r.rest()));
      }
      int count = (int) new Wire.Reader(first).lenenc();
      return columns(count, new ArrayList<>(), new ArrayList<>()).compose(cols -> rows(cols, new ArrayList<>()));
    });
  }

  private Future<Result> columns(int left, List<String> names, List<ColumnType> types) {
    return next().compose(p -> {
      if (left == 0) { // the EOF after the definitions
        return Future.succeededFuture(new Result(names, types, null, 0, ""));
      }
      Wire.Reader r = new Wire.Reader(p);
      for (int i = 0; i < 4; i++) {
        r.lenencString();
      }
      names.add(r.lenencString());
      r.lenencString();
      r.lenenc();
      r.skip(2 + 4);
      types.add(ColumnType.ofCode(r.int1()));
      return columns(left - 1, names, types);
    });
  }

  private Future<Result> rows(Result head, List<List<String>> rows) {
    return next().compose(p -> {
      int kind = p.length() == 0 ? 0 : p.getUnsignedByte(0);
      if (kind == 0xFE && p.length() < 9) {
        return Future.succeededFuture(new Result(head.columns(), head.types(), rows, rows.size(), ""));
      }
      if (kind == 0xFF) {
        return Future.failedFuture(error(p));
      }
      Wire.Reader r = new Wire.Reader(p);
      List<String> row = new ArrayList<>(head.columns().size());
      for (int i = 0; i < head.columns().size(); i++) {
        row.add(r.lenencString());
      }
      rows.add(row);
      return rows(head, rows);
    });
  }

  /** Selects {@code database} (COM_INIT_DB). */
  Future<Void> initDb(String database) {
    send(0, Buffer.buffer().appendByte((byte) 0x02).appendString(database, "UTF-8"));
    return next().compose(p -> p.length() > 0 && p.getUnsignedByte(0) == 0xFF ? Future.failedFuture(error(p))
        : Future.succeededFuture());
  }

  /** COM_PING. */
  Future<Void> ping() {
    send(0, Buffer.buffer().appendByte((byte) 0x0E));
    return next().compose(p -> p.length() > 0 && p.getUnsignedByte(0) == 0xFF ? Future.failedFuture(error(p))
        : Future.succeededFuture());
  }

  /**
   * COM_BINLOG_DUMP as a replica sends it: the events from {@code file} at {@code position} are handed to
   * {@code onEvent} as they come (on the socket's context); the future fails with the server's error (1236) or when
   * the connection is lost, and completes if the server ends the stream.
   */
  public Future<Void> binlogDump(String file, long position, long serverId, java.util.function.Consumer<Buffer> onEvent) {
    Promise<Void> p = Promise.promise();
    synchronized (this) {
      dump = p;
      events = onEvent;
      inbox.forEach(this::streamed);
      inbox.clear();
      if (closed) {
        p.tryFail(new ServerError(2013, "HY000", "Lost connection to MySQL server during query"));
      }
    }
    Buffer b = Buffer.buffer().appendByte((byte) 0x12);
    Wire.int4(b, position);
    Wire.int2(b, 0);
    Wire.int4(b, serverId);
    send(0, b.appendString(file, "UTF-8"));
    return p.future();
  }

  private void streamed(Buffer payload) {
    int kind = payload.length() == 0 ? 0xFE : payload.getUnsignedByte(0);
    if (kind == 0x00) {
      events.accept(payload.slice(1, payload.length()));
    } else if (kind == 0xFF) {
      dump.tryFail(error(payload));
    } else {
      dump.tryComplete();
    }
  }

  /** Closes the connection without a COM_QUIT (a replica's STOP SLAVE). */
  public void close() {
    socket.close();
  }

  /** COM_QUIT, then the connection closes. */
  public void quit() {
    send(0, Buffer.buffer().appendByte((byte) 0x01));
    socket.close();
  }

  private static ServerError error(Buffer p) {
    Wire.Reader r = new Wire.Reader(p);
    r.skip(1);
    int code = r.int2();
    String rest = r.rest();
    return rest.startsWith("#") && rest.length() >= 6 ? new ServerError(code, rest.substring(1, 6), rest.substring(6))
        : new ServerError(code, "HY000", rest);
  }

  private void send(int seq, Buffer payload) {
    socket.write(Wire.packet(seq, payload));
  }

  private void arrived(Buffer payload) {
    Promise<Buffer> p;
    synchronized (this) {
      if (events != null) {
        streamed(payload);
        return;
      }
      p = waiting.poll();
      if (p == null) {
        inbox.add(payload);
        return;
      }
    }
    p.tryComplete(payload);
  }

  private Future<Buffer> next() {
    synchronized (this) {
      Buffer b = inbox.poll();
      if (b != null) {
        return Future.succeededFuture(b);
      }
      if (closed) {
        return Future.failedFuture(new ServerError(2013, "HY000", "Lost connection to MySQL server during query"));
      }
      Promise<Buffer> p = Promise.promise();
      waiting.add(p);
      return p.future();
    }
  }
}
