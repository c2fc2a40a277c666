package io.dekube.kubelet.images.mysql;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's packets (payloads; {@link Wire#packet} frames them): the initial handshake (protocol 10), OK, ERR,
 * EOF, an auth switch, and a text result set (column count, column definitions, EOF, rows, EOF). The client's
 * handshake response, read. Pure.
 */
final class Packets {

  static final int CLIENT_LONG_PASSWORD = 1;
  static final int CLIENT_FOUND_ROWS = 2;
  static final int CLIENT_LONG_FLAG = 4;
  static final int CLIENT_CONNECT_WITH_DB = 8;
  static final int CLIENT_PROTOCOL_41 = 0x200;
  static final int CLIENT_INTERACTIVE = 0x400;
  static final int CLIENT_TRANSACTIONS = 0x2000;
  static final int CLIENT_SECURE_CONNECTION = 0x8000;
  static final int CLIENT_MULTI_STATEMENTS = 0x10000;
  static final int CLIENT_MULTI_RESULTS = 0x20000;
  static final int CLIENT_PLUGIN_AUTH = 0x80000;
  static final int CLIENT_CONNECT_ATTRS = 0x100000;
  static final int CLIENT_PLUGIN_AUTH_LENENC = 0x200000;
  /** What the server offers: no TLS, no compression, EOF packets kept. */
  static final int SERVER_CAPABILITIES = CLIENT_LONG_PASSWORD | CLIENT_FOUND_ROWS | CLIENT_LONG_FLAG
      | CLIENT_CONNECT_WITH_DB | CLIENT_PROTOCOL_41 | CLIENT_INTERACTIVE | CLIENT_TRANSACTIONS
      | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS | CLIENT_PLUGIN_AUTH
      | CLIENT_CONNECT_ATTRS | CLIENT_PLUGIN_AUTH_LENENC;
  static final int STATUS_IN_TRANS = 1;
  static final int STATUS_AUTOCOMMIT = 2;
  private static final int UTF8MB4 = 255;
  private static final int BINARY = 63;

  private Packets() {
  }

  /** The client's HandshakeResponse41. */
  record HandshakeResponse(int capabilities, String user, byte[] auth, String database, String plugin) {
  }

  static Buffer handshake(String serverVersion, long connectionId, byte[] nonce, String plugin) {
    Buffer b = Buffer.buffer().appendByte((byte) 10);
    Wire.nulString(b, serverVersion);
    Wire.int4(b, connectionId);
    b.appendBytes(nonce, 0, 8).appendByte((byte) 0);
    Wire.int2(b, SERVER_CAPABILITIES & 0xFFFF);
    b.appendByte((byte) UTF8MB4);
    Wire.int2(b, STATUS_AUTOCOMMIT);
    Wire.int2(b, SERVER_CAPABILITIES >>> 16);
    b.appendByte((byte) (nonce.length + 1));
    b.appendBytes(new byte[10]);
    b.appendBytes(nonce, 8, nonce.length - 8).appendByte((byte) 0);
    return Wire.nulString(b, plugin);
  }

  /** Reads a HandshakeResponse41; null when it is not one (an older client). */
  static HandshakeResponse handshakeResponse(Buffer payload) {
    Wire.Reader r = new Wire.Reader(payload);
    if (r.remaining() < 32) {
      return null;
    }
    int caps = (int) r.int4();
    if ((caps & CLIENT_PROTOCOL_41) == 0) {
      return null;
    }
    r.skip(4 + 1 + 23);
    String user = r.nulString();
    byte[] auth;
    if ((caps & CLIENT_PLUGIN_AUTH_LENENC) != 0) {
      auth = r.bytes((int) r.lenenc());
    } else if ((caps & CLIENT_SECURE_CONNECTION) != 0) {
      auth = r.bytes(r.int1());
    } else {
      auth = r.nulString().getBytes(StandardCharsets.UTF_8);
    }
    String db = (caps & CLIENT_CONNECT_WITH_DB) != 0 && r.more() ? r.nulString() : null;
    String plugin = (caps & CLIENT_PLUGIN_AUTH) != 0 && r.more() ? r.nulString() : null;
    return new HandshakeResponse(caps, user, auth, db == null || db.isEmpty() ? null : db, plugin);
  }

  static Buffer authSwitch(String plugin, byte[] nonce) {
    Buffer b = Buffer.buffer().appendByte((byte) 0xFE);
    Wire.nulString(b, plugin);
    return b.appendBytes(nonce).appendByte((byte) 0);
  }

  /** caching_sha2_password's "fast authentication succeeded". */
  static Buffer fastAuthOk() {
    return Buffer.buffer().appendByte((byte) 1).appendByte((byte) 3);
  }

  static Buffer ok(long affected, long lastId, int status, String info) {
    Buffer b = Buffer.buffer().appendByte((byte) 0);
    Wire.lenenc(b, affected);
    Wire.lenenc(b, lastId);
    Wire.int2(b, status);
    Wire.int2(b, 0);
    return b.appendString(info, "UTF-8");
  }

  static Buffer error(SqlResult.Error e) {
    Buffer b = Buffer.buffer().appendByte((byte) 0xFF);
    Wire.int2(b, e.code());
    return b.appendString("#" + e.sqlState() + e.message(), "UTF-8");
  }

  static Buffer eof(int status) {
    Buffer b = Buffer.buffer().appendByte((byte) 0xFE);
    Wire.int2(b, 0);
    return Wire.int2(b, status);
  }

  /** The payloads of a text result set. */
  static List<Buffer> resultSet(SqlResult.Rows rows, int status) {
    List<Buffer> out = new ArrayList<>();
    out.add(Wire.lenenc(Buffer.buffer(), rows.columns().size()));
    for (SqlResult.Column c : rows.columns()) {
      out.add(column(c));
    }
    out.add(eof(status));
    for (List<String> row : rows.rows()) {
      Buffer b = Buffer.buffer();
      for (String v : row) {
        if (v == null) {
          b.appendByte((byte) 0xFB);
        } else {
          Wire.lenencString(b, v);
        }
      }
      out.add(b);
    }
    out.add(eof(status));
    return out;
  }

  private static Buffer column(SqlResult.Column c) {
    Buffer b = Buffer.buffer();
    Wire.lenencString(b, "def");
    Wire.lenencString(b, c.schema() == null ? "" : c.schema());
    Wire.lenencString(b, c.table() == null ? "" : c.table());
    Wire.lenencString(b, c.table() == null ? "" : c.table());
    Wire.lenencString(b, c.name());
    Wire.lenencString(b, c.orgName() == null ? c.name() : c.orgName());
    Wire.lenenc(b, 0x0C);
    Wire.int2(b, c.type().text ? UTF8MB4 : BINARY);
    Wire.int4(b, c.type().length);
    b.appendByte((byte) c.type().code);
    int flags = (c.notNull() ? 1 : 0) | (c.primaryKey() ? 2 : 0) | (c.autoIncrement() ? 0x200 : 0)
        | (c.type().text ? 0 : 0x80) | (c.type().numeric() ? 0x8000 : 0);
    Wire.int2(b, flags);
    b.appendByte((byte) (c.type() == ColumnType.DOUBLE || c.type() == ColumnType.FLOAT ? 31 : 0));
    return Wire.int2(b, 0);
  }
}
