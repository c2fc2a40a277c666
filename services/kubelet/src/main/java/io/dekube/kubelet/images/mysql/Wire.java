package io.dekube.kubelet.images.mysql;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * MySQL's client/server protocol on the wire: a packet is a 3-byte little-endian payload length, a sequence id and
 * the payload; inside it, fixed-length little-endian integers, length-encoded integers and strings, NUL-ended
 * strings. {@link Framer} splits a stream into payloads, {@link Reader} reads one payload's fields, the static
 * methods write them. A payload of 16 MiB or more, which MySQL splits over packets, is not handled. Pure.
 */
final class Wire {

  private Wire() {
  }

  /** The packet of {@code payload} with sequence id {@code seq}. */
  static Buffer packet(int seq, Buffer payload) {
    Buffer b = Buffer.buffer(payload.length() + 4);
    int n = payload.length();
    b.appendByte((byte) n).appendByte((byte) (n >> 8)).appendByte((byte) (n >> 16)).appendByte((byte) seq);
    return b.appendBuffer(payload);
  }

  static Buffer int2(Buffer b, int v) {
    return b.appendByte((byte) v).appendByte((byte) (v >> 8));
  }

  static Buffer int4(Buffer b, long v) {
    return b.appendByte((byte) v).appendByte((byte) (v >> 8)).appendByte((byte) (v >> 16)).appendByte((byte) (v >> 24));
  }

  /** A length-encoded integer. */
  static Buffer lenenc(Buffer b, long v) {
    if (v < 251) {
      return b.appendByte((byte) v);
    }
    if (v < 0x10000) {
      return int2(b.appendByte((byte) 0xFC), (int) v);
    }
    if (v < 0x1000000) {
      return b.appendByte((byte) 0xFD).appendByte((byte) v).appendByte((byte) (v >> 8)).appendByte((byte) (v >> 16));
    }
    b.appendByte((byte) 0xFE);
    int4(b, v);
    return int4(b, v >>> 32);
  }

  /** A length-encoded string. */
  static Buffer lenencString(Buffer b, byte[] bytes) {
    return lenenc(b, bytes.length).appendBytes(bytes);
  }

  static Buffer lenencString(Buffer b, String s) {
    return lenencString(b, s.getBytes(StandardCharsets.UTF_8));
  }

  static Buffer nulString(Buffer b, String s) {
    return b.appendBytes(s.getBytes(StandardCharsets.UTF_8)).appendByte((byte) 0);
  }

  /** Splits a byte stream into packets, handing each (sequence id, payload) on. Not thread-safe. */
  static final class Framer {

    /** Takes one packet. */
    interface Sink {
      void packet(int seq, Buffer payload);
    }

    private final Sink sink;
    private Buffer pending = Buffer.buffer();

    Framer(Sink sink) {
      this.sink = sink;
    }

    void feed(Buffer data) {
      pending.appendBuffer(data);
      int at = 0;
      while (pending.length() - at >= 4) {
        int n = pending.getUnsignedMediumLE(at);
        if (pending.length() - at - 4 < n) {
          break;
        }
        int seq = pending.getUnsignedByte(at + 3);
        Buffer payload = pending.getBuffer(at + 4, at + 4 + n);
        at += 4 + n;
        sink.packet(seq, payload);
      }
      pending = at == pending.length() ? Buffer.buffer() : pending.getBuffer(at, pending.length());
    }
  }

  /** Reads the fields of one payload in order. Not thread-safe. */
  static final class Reader {

    private final Buffer b;
    private int at;

    Reader(Buffer b) {
      this.b = b;
    }

    boolean more() {
      return at < b.length();
    }

    int remaining() {
      return b.length() - at;
    }

    int int1() {
      return b.getUnsignedByte(at++);
    }

    int int2() {
      int v = b.getUnsignedShortLE(at);
      at += 2;
      return v;
    }

    long int4() {
      long v = b.getUnsignedIntLE(at);
      at += 4;
      return v;
    }

    long lenenc() {
      int first = int1();
      return switch (first) {
        case 0xFC -> int2();
        case 0xFD -> {
          int v = b.getUnsignedMediumLE(at);
          at += 3;
          yield v;
        }
        case 0xFE -> {
          long v = b.getLongLE(at);
          at += 8;
          yield v;
        }
        default -> first;
      };
    }

    byte[] bytes(int n) {
      byte[] v = b.getBytes(at, at + n);
      at += n;
      return v;
    }

    void skip(int n) {
      at += n;
    }

    /** A length-encoded string; null for the NULL mark (0xFB) of a row. */
    String lenencString() {
      if (b.getUnsignedByte(at) == 0xFB) {
        at++;
        return null;
      }
      return new String(bytes((int) lenenc()), StandardCharsets.UTF_8);
    }

    String nulString() {
      int end = at;
      while (end < b.length() && b.getByte(end) != 0) {
        end++;
      }
      String s = b.getString(at, end, "UTF-8");
      at = Math.min(b.length(), end + 1);
      return s;
    }

    String rest() {
      String s = b.getString(at, b.length(), "UTF-8");
      at = b.length();
      return s;
    }

    byte[] restBytes() {
      return bytes(b.length() - at);
    }
  }
}
