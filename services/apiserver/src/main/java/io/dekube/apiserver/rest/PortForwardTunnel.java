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
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kubectl port-forward's tunnel (kube 1.30+): SPDY/3.1 frames carried as the bytes of WebSocket
 * binary messages. Each forwarded connection is a pair of SPDY streams (headers {@code streamType}
 * {@code error} and {@code data}, same {@code port} and {@code requestID}); each data stream is
 * bridged to its own WebSocket to the kubelet's {@code /portForward} (channel 0 data, channel 1
 * errors, the first message on each channel naming the port). Frames are decoded and encoded by
 * Netty's SPDY codec in an embedded channel. Confined to the client WebSocket's event loop.
 */
final class PortForwardTunnel {

  private record Pair(int errorStream, int dataStream, WebSocket kubelet) {
  }

  private final ServerWebSocket client;
  private final KubeletProxy proxy;
  private final KubeletProxy.Target target;
  private final EmbeddedChannel spdy = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final Map<String, Integer> errorStreams = new HashMap<>();
  private final Map<Integer, WebSocket> byDataStream = new HashMap<>();
  private final Map<Integer, Integer> errorOfData = new HashMap<>();
  /** Data that came before the stream's kubelet WebSocket was up; null once it is. */
  private final Map<Integer, java.util.List<Buffer>> early = new HashMap<>();
  private final java.util.Set<Integer> finishedEarly = new java.util.HashSet<>();

  PortForwardTunnel(ServerWebSocket client, KubeletProxy proxy, KubeletProxy.Target target) {
    this.client = client;
    this.proxy = proxy;
    this.target = target;
  }

  /** Starts relaying; {@code closed} runs when the client's socket closes. */
  void start(Runnable closed) {
    client.binaryMessageHandler(this::inbound);
    client.closeHandler(v -> {
      closed.run();
      byDataStream.values().forEach(ws -> ws.close());
      spdy.finishAndReleaseAll();
    });
  }

  private void inbound(Buffer bytes) {
    spdy.writeInbound(Unpooled.wrappedBuffer(bytes.getBytes()));
    Object frame;
    while ((frame = spdy.readInbound()) != null) {
      try {
        frame(frame);
      } finally {
        ReferenceCountUtil.release(frame);
      }
    }
  }

  private void frame(Object frame) {
    if (frame instanceof SpdySynStreamFrame syn) {
      synStream(syn);
    } else if (frame instanceof SpdyDataFrame data) {
      int stream = data.streamId();
      WebSocket ws = byDataStream.get(stream);
      int n = data.content().readableBytes();
      if (n > 0) {
        byte[] b = new byte[n];
        data.content().readBytes(b);
        Buffer msg = Buffer.buffer(n + 1).appendByte((byte) 0).appendBytes(b);
        if (ws != null) {
          ws.writeBinaryMessage(msg);
        } else if (early.containsKey(stream)) {
          early.get(stream).add(msg);
        }
      }
      if (n > 0) {
        send(new DefaultSpdyWindowUpdateFrame(stream, n));
        send(new DefaultSpdyWindowUpdateFrame(0, n));
      }
      if (data.isLast() && ws != null) {
        ws.close();
      } else if (data.isLast() && early.containsKey(stream)) {
        finishedEarly.add(stream);
      }
    } else if (frame instanceof SpdyRstStreamFrame rst) {
      WebSocket ws = byDataStream.remove(rst.streamId());
      if (ws != null) {
        ws.close();
      }
    } else if (frame instanceof SpdyPingFrame ping) {
      send(new DefaultSpdyPingFrame(ping.id()));
    }
  }

  private void synStream(SpdySynStreamFrame syn) {
    int id = syn.streamId();
    String type = header(syn, "streamType");
    String port = header(syn, "port");
    String request = header(syn, "requestID");
    // Go's SPDY framer needs a header block in every SYN_REPLY, and Netty writes none for empty headers
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(id);
    reply.headers().set("streamtype", type == null ? "" : type);
    send(reply);
    if ("error".equals(type)) {
      errorStreams.put(request, id);
      return;
    }
    if (!"data".equals(type) || port == null || !port.matches("\\d{1,5}")) {
      send(new DefaultSpdyDataFrame(id).setLast(true));
      return;
    }
    Integer errorStream = errorStreams.remove(request);
    if (errorStream != null) {
      errorOfData.put(id, errorStream);
    }
    early.put(id, new java.util.ArrayList<>());
    String uri = "/portForward/" + target.namespace() + "/" + target.pod() + "?ports=" + port;
    proxy.connect(target, uri, List.of("portforward.k8s.io")).onComplete(ar -> {
      if (ar.failed()) {
        early.remove(id);
        error(id, "cannot reach the kubelet: " + ar.cause().getMessage());
        finish(id);
        return;
      }
      bridge(id, ar.result());
    });
  }

  private void bridge(int dataStream, WebSocket ws) {
    byDataStream.put(dataStream, ws);
    java.util.List<Buffer> pending = early.remove(dataStream);
    if (pending != null) {
      pending.forEach(ws::writeBinaryMessage);
    }
    if (finishedEarly.remove(dataStream)) {
      ws.close();
    }
    boolean[] seenPort = new boolean[2];
    ws.binaryMessageHandler(msg -> {
      if (msg.length() < 1) {
        return;
      }
      int ch = msg.getUnsignedByte(0);
      if (ch > 1) {
        return;
      }
      Buffer payload = msg.slice(1, msg.length());
      if (!seenPort[ch]) {
        seenPort[ch] = true; // the first message names the port
        payload = payload.length() > 2 ? payload.slice(2, payload.length()) : Buffer.buffer();
      }
      if (payload.length() == 0) {
        return;
      }
      if (ch == 0) {
        DefaultSpdyDataFrame f = new DefaultSpdyDataFrame(dataStream, Unpooled.wrappedBuffer(payload.getBytes()));
        send(f);
      } else {
        error(dataStream, payload.toString());
      }
    });
    ws.closeHandler(v -> {
      byDataStream.remove(dataStream);
      finish(dataStream);
    });
  }

  private void error(int dataStream, String message) {
    Integer err = errorOfData.get(dataStream);
    if (err != null) {
      send(new DefaultSpdyDataFrame(err, Unpooled.wrappedBuffer(message.getBytes(
          java.nio.charset.StandardCharsets.UTF_8))));
    }
  }

  private void finish(int dataStream) {
    send(new DefaultSpdyDataFrame(dataStream).setLast(true));
    Integer err = errorOfData.remove(dataStream);
    if (err != null) {
      send(new DefaultSpdyDataFrame(err).setLast(true));
    }
  }

  private void send(Object frame) {
    if (client.isClosed()) {
      ReferenceCountUtil.release(frame);
      return;
    }
    spdy.writeOutbound(frame);
    Buffer out = Buffer.buffer();
    ByteBuf b;
    while ((b = spdy.readOutbound()) != null) {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      b.release();
      out.appendBytes(bytes);
    }
    if (out.length() > 0) {
      client.writeBinaryMessage(out);
    }
  }

  private static String header(SpdySynStreamFrame syn, String name) {
    String v = syn.headers().getAsString(name);
    return v != null ? v : syn.headers().getAsString(name.toLowerCase(java.util.Locale.ROOT));
  }
}
