package io.dekube.apiserver.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A server's side of a SPDY/3.1 session, as client-go's streaming connections speak it
 * (moby/spdystream): frames decoded and encoded by Netty's SPDY codec in an embedded channel, carried
 * over a {@link Wire} — a connection upgraded with {@code Upgrade: SPDY/3.1}, or the binary messages of
 * kubectl's port-forward WebSocket tunnel. Pings are answered and data acknowledged with window
 * updates here; every other frame goes to the owner. Confined to the wire's event loop.
 */
final class SpdySession {

  /** Bytes both ways on an upgraded connection. */
  interface Wire {
    void handler(Handler<Buffer> bytes);

    void closeHandler(Handler<Void> closed);

    void write(Buffer bytes);

    boolean isClosed();

    void close();

    /** The binary messages of a WebSocket (kubectl's tunnel: {@code SPDY/3.1+portforward.k8s.io}). */
    static Wire of(ServerWebSocket ws) {
      return new Wire() {
        @Override
        public void handler(Handler<Buffer> bytes) {
          ws.binaryMessageHandler(bytes);
        }

        @Override
        public void closeHandler(Handler<Void> closed) {
          ws.closeHandler(closed);
        }

        @Override
        public void write(Buffer bytes) {
          ws.writeBinaryMessage(bytes);
        }

        @Override
        public boolean isClosed() {
          return ws.isClosed();
        }

        @Override
        public void close() {
          ws.close();
        }
      };
    }

    /** The raw connection after a {@code 101 Switching Protocols} to {@code SPDY/3.1}. */
    static Wire of(NetSocket socket) {
      boolean[] closed = {false};
      Handler<Void>[] onClose = new Handler[1];
      socket.closeHandler(v -> {
        closed[0] = true;
        if (onClose[0] != null) {
          onClose[0].handle(null);
        }
      });
      return new Wire() {
        @Override
        public void handler(Handler<Buffer> bytes) {
          socket.handler(bytes);
        }

        @Override
        public void closeHandler(Handler<Void> h) {
          onClose[0] = h;
        }

        @Override
        public void write(Buffer bytes) {
          socket.write(bytes);
        }

        @Override
        public boolean isClosed() {
          return closed[0];
        }

        @Override
        public void close() {
          if (!closed[0]) {
            socket.close();
          }
        }
      };
    }
  }

  private final EmbeddedChannel codec = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final Wire wire;
  private final Consumer<Object> frames;

  /** {@code frames}: every frame but pings (released after the call); call {@link #start}. */
  SpdySession(Wire wire, Consumer<Object> frames) {
    this.wire = wire;
    this.frames = frames;
  }

  /** Reads the wire; {@code closed} runs once it closes. */
  void start(Runnable closed) {
    wire.handler(this::inbound);
    wire.closeHandler(v -> {
      codec.finishAndReleaseAll();
      closed.run();
    });
  }

  private void inbound(Buffer bytes) {
    codec.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes()));
    Object frame;
    while ((frame = codec.readInbound()) != null) {
      try {
        if (frame instanceof SpdyPingFrame ping) {
          send(new DefaultSpdyPingFrame(ping.id()));
        } else {
          if (frame instanceof SpdyDataFrame data && data.content().readableBytes() > 0) {
            int n = data.content().readableBytes();
            send(new DefaultSpdyWindowUpdateFrame(data.streamId(), n));
            send(new DefaultSpdyWindowUpdateFrame(0, n));
          }
          frames.accept(frame);
        }
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }
  }

  /** Accepts a stream the client opened; Go's framer needs a header block in every SYN_REPLY. */
  void reply(SpdySynStreamFrame syn) {
    String type = header(syn, "streamType");
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
    reply.headers().set("streamtype", type == null ? "" : type);
    send(reply);
  }

  /** Data on {@code stream}; empty bytes send nothing. */
  void data(int stream, byte[] bytes) {
    if (bytes.length > 0) {
      send(new DefaultSpdyDataFrame(stream, Unpooled.wrappedBuffer(bytes)));
    }
  }

  void data(int stream, String text) {
    data(stream, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Half-closes {@code stream} from the server's side. */
  void finish(int stream) {
    send(new DefaultSpdyDataFrame(stream).setLast(true));
  }

  void send(Object frame) {
    if (wire.isClosed()) {
      ReferenceCountUtil.release(frame);
      return;
    }
    codec.writeOutbound(frame);
    Buffer out = Buffer.buffer();
    ByteBuf b;
    while ((b = codec.readOutbound()) != null) {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      b.release();
      out.appendBytes(bytes);
    }
    if (out.length() > 0) {
      wire.write(out);
    }
  }

  void close() {
    wire.close();
  }

  /** A header of a SYN_STREAM; client-go writes them lower-cased, as SPDY/3 requires. */
  static String header(SpdySynStreamFrame syn, String name) {
    String v = syn.headers().getAsString(name);
    return v != null ? v : syn.headers().getAsString(name.toLowerCase(Locale.ROOT));
  }
}
