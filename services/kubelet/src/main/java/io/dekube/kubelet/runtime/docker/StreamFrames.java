package io.dekube.kubelet.runtime.docker;

import io.vertx.core.buffer.Buffer;

/**
 * The engine's multiplexed stdio stream (a container's logs, an exec without a terminal): frames of an 8-byte header
 * — the stream (0 stdin, 1 stdout, 2 stderr), three zero bytes, the payload's length as a big-endian uint32 — and
 * the payload. Frames may arrive split across chunks or several to a chunk; {@link #feed} hands out each payload whole.
 * With {@code raw} (a container or exec on a terminal) there are no frames: everything is stdout. Not thread-safe:
 * one stream's chunks come on one context.
 */
final class StreamFrames {

  /** Where payloads go. */
  interface Sink {
    void frame(boolean stderr, Buffer payload);
  }

  private final boolean raw;
  private final Sink sink;
  private Buffer pending = Buffer.buffer();

  StreamFrames(boolean raw, Sink sink) {
    this.raw = raw;
    this.sink = sink;
  }

  /** Takes the next chunk of the stream. */
  void feed(Buffer chunk) {
    if (raw) {
      if (chunk.length() > 0) {
        sink.frame(false, chunk);
      }
      return;
    }
    pending.appendBuffer(chunk);
    int at = 0;
    while (pending.length() - at >= 8) {
      long size = pending.getUnsignedInt(at + 4);
      if (pending.length() - at - 8 < size) {
        break;
      }
      int stream = pending.getUnsignedByte(at);
      Buffer payload = pending.getBuffer(at + 8, at + 8 + (int) size);
      at += 8 + (int) size;
      if (payload.length() > 0) {
        sink.frame(stream == 2, payload);
      }
    }
    pending = at == 0 ? pending : pending.getBuffer(at, pending.length());
  }
}
