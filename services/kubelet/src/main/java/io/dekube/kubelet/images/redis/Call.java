package io.dekube.kubelet.images.redis;

import java.util.List;

/**
 * One command being run: its words, the session that sent it and the server. Helpers read typed values of
 * the current database, in redis's words when the type is wrong.
 */
final class Call {

  static final Reply WRONGTYPE = Reply.error("WRONGTYPE Operation against a key holding the wrong kind of value");
  static final Reply NOT_INTEGER = Reply.error("ERR value is not an integer or out of range");
  static final Reply SYNTAX = Reply.error("ERR syntax error");

  /** A wrong type or a bad number: the command answers this error. */
  static final class Refused extends RuntimeException {
    final Reply reply;

    Refused(Reply reply) {
      super(null, null, false, false);
      this.reply = reply;
    }
  }

  final RedisServer server;
  final Session session;
  final List<String> argv;

  Call(RedisServer server, Session session, List<String> argv) {
    this.server = server;
    this.session = session;
    this.argv = argv;
  }

  String arg(int i) {
    return argv.get(i);
  }

  int argc() {
    return argv.size();
  }

  Keyspace keys() {
    return server.keyspace();
  }

  int db() {
    return session.db;
  }

  /** The value at {@code key} if it is of {@code type}, null if none; a {@link Refused} WRONGTYPE otherwise. */
  <T> T value(String key, Class<T> type) {
    Object v = keys().get(db(), key);
    if (v == null) {
      return null;
    }
    if (!type.isInstance(v)) {
      throw new Refused(WRONGTYPE);
    }
    return type.cast(v);
  }

  /** The argument {@code i} as a 64-bit integer, or a {@link Refused} "not an integer". */
  long integer(int i) {
    return integer(arg(i), NOT_INTEGER);
  }

  static long integer(String s, Reply otherwise) {
    if (s.isEmpty() || s.length() > 20 || s.startsWith("+") || (s.length() > 1 && s.startsWith("0"))
        || s.startsWith("-0")) {
      throw new Refused(otherwise);
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new Refused(otherwise);
    }
  }
}
