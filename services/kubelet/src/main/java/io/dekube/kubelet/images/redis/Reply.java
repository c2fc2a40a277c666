package io.dekube.kubelet.images.redis;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One RESP2 value, as the server answers it and as {@code redis-cli} reads it: a status ({@code +OK}), an error
 * ({@code -ERR ...}), an integer, a bulk string (null: {@code $-1}) or an array (null: {@code *-1}). Strings hold
 * bytes as ISO-8859-1 characters, one char per byte, so binary values pass unchanged. Immutable.
 */
public sealed interface Reply {

  Reply OK = new Status("OK");
  Reply NIL = new Bulk(null);
  Reply NIL_ARRAY = new Array(null);
  Reply EMPTY = new Array(List.of());
  Reply ZERO = new Int(0);
  Reply ONE = new Int(1);

  /**
   * The wire form of {@code reply}. Static, not a default method: with a default method, initializing any of the
   * records would first initialize this interface, whose constants initialize the records — two threads starting
   * from either end (a server's parser making a Status, a client reading {@code Reply.OK}) deadlocked the JVM.
   */
  static Buffer encode(Reply reply) {
    Buffer b = Buffer.buffer();
    reply.writeTo(b);
    return b;
  }

  void writeTo(Buffer b);

  /** {@code +text}. */
  record Status(String text) implements Reply {
    @Override
    public void writeTo(Buffer b) {
      b.appendString("+" + text + "\r\n", "ISO-8859-1");
    }
  }

  /** {@code -text}: the text starts with its code ({@code ERR}, {@code WRONGTYPE}, {@code READONLY}…). */
  record Error(String text) implements Reply {
    @Override
    public void writeTo(Buffer b) {
      b.appendString("-" + text + "\r\n", "ISO-8859-1");
    }
  }

  /** {@code :n}. */
  record Int(long value) implements Reply {
    @Override
    public void writeTo(Buffer b) {
      b.appendString(":" + value + "\r\n");
    }
  }

  /** {@code $len} and the bytes; {@code $-1} for null. */
  record Bulk(String value) implements Reply {
    @Override
    public void writeTo(Buffer b) {
      if (value == null) {
        b.appendString("$-1\r\n");
        return;
      }
      b.appendString("$" + value.length() + "\r\n").appendBytes(value.getBytes(StandardCharsets.ISO_8859_1))
          .appendString("\r\n");
    }
  }

  /** {@code *n} and the elements; {@code *-1} for null. */
  record Array(List<Reply> items) implements Reply {
    @Override
    public void writeTo(Buffer b) {
      if (items == null) {
        b.appendString("*-1\r\n");
        return;
      }
      b.appendString("*" + items.size() + "\r\n");
      items.forEach(i -> i.writeTo(b));
    }
  }

  static Reply error(String text) {
    return new Error(text);
  }

  static Reply bulk(String value) {
    return new Bulk(value);
  }

  static Reply integer(long value) {
    return new Int(value);
  }

  /** An array of bulk strings. */
  static Reply bulks(List<String> values) {
    return new Array(values.stream().map(v -> (Reply) new Bulk(v)).toList());
  }

  /** A command as a client sends it: an array of bulk strings. */
  static Buffer command(List<String> argv) {
    return encode(bulks(argv));
  }

  /** Bytes as the ISO-8859-1 string this package keeps them in. */
  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
