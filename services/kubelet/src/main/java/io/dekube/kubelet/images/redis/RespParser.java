package io.dekube.kubelet.images.redis;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads RESP2 from a byte stream that arrives in pieces: whole values are handed on as they complete. Requests
 * may also come inline ({@code PING\r\n}, as {@code telnet} sends them), split as {@link ArgSplitter} splits them.
 * A replica reads the full sync's payload ({@code $len} and that many bytes, without the closing CRLF, as an RDB
 * transfer comes) after {@link #expectPayload}. Protocol errors are redis's words. Not thread-safe: one
 * connection's handler feeds it.
 */
final class RespParser {

  /** What went wrong in the stream: the connection answers it and closes. */
  static final class ProtocolException extends RuntimeException {
    ProtocolException(String message) {
      super(message);
    }
  }

  private static final int MAX_INLINE = 64 * 1024;
  private final boolean requests;
  private final Consumer<Reply> values;
  private byte[] data = new byte[0];
  private int length;
  private boolean payload;
  private Consumer<byte[]> payloadHandler;
  /** The bytes of the last value handed on, for a replica's offset. */
  private int lastSize;

  /** {@code requests}: the server's side (arrays of bulks, or inline lines); else any reply. */
  RespParser(boolean requests, Consumer<Reply> values) {
    this.requests = requests;
    this.values = values;
  }

  /** The next {@code $len} is a payload without CRLF, handed to {@code handler} instead of a value. */
  void expectPayload(Consumer<byte[]> handler) {
    payload = true;
    payloadHandler = handler;
  }

  /** How many bytes of the stream the last value handed on took. */
  int lastSize() {
    return lastSize;
  }

  /** Adds bytes; hands on every value they complete. */
  void feed(Buffer buffer) {
    byte[] more = buffer.getBytes();
    if (length + more.length > data.length) {
      byte[] grown = new byte[Math.max(data.length * 2, length + more.length)];
      System.arraycopy(data, 0, grown, 0, length);
      data = grown;
    }
    System.arraycopy(more, 0, data, length, more.length);
    length += more.length;
    int pos = 0;
    while (pos < length) {
      int[] end = {pos};
      Reply r;
      if (payload) {
        byte[] p = readPayload(end);
        if (p == null) {
          break;
        }
        payload = false;
        pos = end[0];
        payloadHandler.accept(p);
        continue;
      }
      r = requests && data[pos] != '*' ? inline(end) : value(end);
      if (r == null) {
        break;
      }
      lastSize = end[0] - pos;
      pos = end[0];
      if (r != SKIP) {
        values.accept(r);
      }
    }
    System.arraycopy(data, pos, data, 0, length - pos);
    length -= pos;
  }

  private static final Reply SKIP = new Reply.Status("");

  private byte[] readPayload(int[] at) {
    String line = line(at);
    if (line == null) {
      return null;
    }
    if (!line.startsWith("$")) {
      // a keep-alive newline before the payload
      return line.isEmpty() ? readPayload(at) : fail("Protocol error: expected '$', got '" + line + "'");
    }
    int n = Integer.parseInt(line.substring(1));
    if (length - at[0] < n) {
      return null;
    }
    byte[] p = new byte[n];
    System.arraycopy(data, at[0], p, 0, n);
    at[0] += n;
    return p;
  }

  private Reply inline(int[] at) {
    String line = line(at);
    if (line == null) {
      if (length - at[0] > MAX_INLINE) {
        fail("Protocol error: too big inline request");
      }
      return null;
    }
    List<String> args = ArgSplitter.split(line);
    if (args == null) {
      fail("Protocol error: unbalanced quotes in request");
    }
    return args.isEmpty() ? SKIP : Reply.bulks(args);
  }

  /** One value starting at {@code at[0]}; null when it is not all there yet. */
  private Reply value(int[] at) {
    String line = line(at);
    if (line == null) {
      return null;
    }
    if (line.isEmpty()) {
      return requests ? SKIP : fail("Protocol error: empty line");
    }
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+':
        return requests ? badType(type) : new Reply.Status(rest);
      case '-':
        return requests ? badType(type) : new Reply.Error(rest);
      case ':':
        return requests ? badType(type) : new Reply.Int(number(rest, "integer"));
      case '$': {
        long n = number(rest, "bulk length");
        if (n < 0) {
          return Reply.NIL;
        }
        if (length - at[0] < n + 2) {
          return null;
        }
        String s = new String(data, at[0], (int) n, StandardCharsets.ISO_8859_1);
        at[0] += (int) n + 2;
        return new Reply.Bulk(s);
      }
      case '*': {
        long n = number(rest, "multibulk length");
        if (n < 0) {
          return requests ? SKIP : Reply.NIL_ARRAY;
        }
        if (requests && n > 1024 * 1024) {
          fail("Protocol error: invalid multibulk length");
        }
        List<Reply> items = new ArrayList<>((int) Math.min(n, 1024));
        for (long i = 0; i < n; i++) {
          if (at[0] >= length) {
            return null;
          }
          if (requests && data[at[0]] != '$') {
            fail("Protocol error: expected '$', got '" + (char) data[at[0]] + "'");
          }
          Reply item = value(at);
          if (item == null) {
            return null;
          }
          items.add(item);
        }
        return items.isEmpty() && requests ? SKIP : new Reply.Array(items);
      }
      default:
        return fail("Protocol error: unknown reply type '" + type + "'");
    }
  }

  private Reply badType(char type) {
    return fail("Protocol error: expected '$', got '" + type + "'");
  }

  private long number(String s, String what) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return fail("Protocol error: invalid " + what);
    }
  }

  /** The line at {@code at[0]} without its CRLF (a bare LF ends one too), moving past it; null if not complete. */
  private String line(int[] at) {
    for (int i = at[0]; i < length; i++) {
      if (data[i] == '\n') {
        int end = i > at[0] && data[i - 1] == '\r' ? i - 1 : i;
        String s = new String(data, at[0], end - at[0], StandardCharsets.ISO_8859_1);
        at[0] = i + 1;
        return s;
      }
    }
    return null;
  }

  private static <T> T fail(String message) {
    throw new ProtocolException(message);
  }
}
