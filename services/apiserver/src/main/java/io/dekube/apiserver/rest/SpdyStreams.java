package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * exec and attach over SPDY/3.1, as kubectl up to 1.29 (and later ones when WebSockets fail) and
 * client-go's SPDY executor speak them: the client opens one SPDY stream per channel (header
 * {@code streamType}: {@code error}, {@code stdin}, {@code stdout}, {@code stderr}, {@code resize}); each is
 * bridged to the kubelet's WebSocket in the channel protocol. Output that comes before the client opened
 * its stream waits for it. The error stream carries the kubelet's Status (v4 and v5) or, for the older
 * protocols, its message as text; a half-closed stdin becomes v5's close of channel 0. Confined to the
 * client connection's event loop.
 */
final class SpdyStreams {

  /** The SPDY protocols of remote command, most preferred first, as kube-apiserver serves them. */
  static final List<String> PROTOCOLS = WebSocketUpgrade.CHANNEL_PROTOCOLS;
  private static final String[] TYPES = {"stdin", "stdout", "stderr", "error", "resize"};
  private static final long CLOSE_AFTER_MS = 10_000;

  private final Vertx vertx;
  private SpdySession spdy;
  private final WebSocket kubelet;
  private final String protocol;
  /** Channel → the client's stream for it. */
  private final Map<Integer, Integer> streams = new HashMap<>();
  /** Channel → output the kubelet sent before the client opened that channel's stream. */
  private final Map<Integer, List<byte[]>> pending = new HashMap<>();
  private boolean kubeletClosed;

  /**
   * Reads {@code kubelet} (a WebSocket to the kubelet's {@code /exec} or {@code /attach}, speaking v5 or
   * v4) from now on; {@code protocol}: the one agreed with the client.
   */
  SpdyStreams(Vertx vertx, WebSocket kubelet, String protocol) {
    this.vertx = vertx;
    this.kubelet = kubelet;
    this.protocol = protocol;
    kubelet.binaryMessageHandler(this::fromKubelet);
    kubelet.closeHandler(v -> kubeletEnded());
  }

  /** The first protocol the client offers that is served, else null. */
  static String negotiate(List<String> offered) {
    for (String p : offered) {
      if (PROTOCOLS.contains(p)) {
        return p;
      }
    }
    return null;
  }

  /** Relays with the client's upgraded connection; {@code closed} runs when it closes. */
  void attach(SpdySession.Wire client, Runnable closed) {
    spdy = new SpdySession(client, this::frame);
    if (kubeletClosed) {
      vertx.setTimer(CLOSE_AFTER_MS, t -> spdy.close());
    }
    spdy.start(() -> {
      closed.run();
      if (!kubelet.isClosed()) {
        kubelet.close();
      }
    });
  }

  private void frame(Object frame) {
    if (frame instanceof SpdySynStreamFrame syn) {
      opened(syn);
    } else if (frame instanceof SpdyDataFrame data) {
      Integer channel = channelOf(data.streamId());
      if (channel == null) {
        return;
      }
      if (data.content().readableBytes() > 0 && (channel == 0 || channel == 4) && !kubelet.isClosed()) {
        byte[] bytes = ByteBufUtil.getBytes(data.content());
        kubelet.writeBinaryMessage(Buffer.buffer(bytes.length + 1).appendByte((byte) (int) channel).appendBytes(bytes));
      }
      if (data.isLast() && channel == 0 && !kubelet.isClosed() && "v5.channel.k8s.io".equals(kubelet.subProtocol())) {
        kubelet.writeBinaryMessage(Buffer.buffer(new byte[] {(byte) 255, 0}));
      }
    } else if (frame instanceof SpdyGoAwayFrame) {
      spdy.close();
    }
  }

  private void opened(SpdySynStreamFrame syn) {
    spdy.reply(syn);
    String type = SpdySession.header(syn, "streamType");
    int channel = -1;
    for (int i = 0; i < TYPES.length; i++) {
      if (TYPES[i].equals(type)) {
        channel = i;
      }
    }
    if (channel < 0) {
      spdy.finish(syn.streamId());
      return;
    }
    streams.put(channel, syn.streamId());
    List<byte[]> early = pending.remove(channel);
    if (early != null) {
      early.forEach(b -> spdy.data(syn.streamId(), b));
    }
    if (kubeletClosed && channel != 0 && channel != 4) {
      spdy.finish(syn.streamId());
    }
  }

  private Integer channelOf(int stream) {
    for (Map.Entry<Integer, Integer> e : streams.entrySet()) {
      if (e.getValue() == stream) {
        return e.getKey();
      }
    }
    return null;
  }

  private void fromKubelet(Buffer msg) {
    if (msg.length() < 1) {
      return;
    }
    int channel = msg.getUnsignedByte(0);
    if (channel < 1 || channel > 3) {
      return;
    }
    byte[] bytes = msg.getBytes(1, msg.length());
    if (channel == 3) {
      bytes = errorFor(protocol, bytes);
    }
    Integer stream = streams.get(channel);
    if (stream != null && spdy != null) {
      spdy.data(stream, bytes);
    } else if (bytes.length > 0) {
      pending.computeIfAbsent(channel, c -> new ArrayList<>()).add(bytes);
    }
  }

  /**
   * The error stream's bytes for {@code protocol}: v4 and v5 carry the kubelet's Status as it is; the
   * older protocols carry only a failure's message, as text.
   */
  static byte[] errorFor(String protocol, byte[] status) {
    if (protocol.equals("v4.channel.k8s.io") || protocol.equals("v5.channel.k8s.io")) {
      return status;
    }
    try {
      JsonNode s = Json.MAPPER.readTree(status);
      return "Success".equals(s.path("status").asText()) ? new byte[0]
          : s.path("message").asText("").getBytes(StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return status;
    }
  }

  /** The command ended: every output stream ends; the client closes the connection, else it is closed later. */
  private void kubeletEnded() {
    kubeletClosed = true;
    if (spdy == null) {
      return;
    }
    streams.forEach((channel, stream) -> {
      if (channel != 0 && channel != 4) {
        spdy.finish(stream);
      }
    });
    vertx.setTimer(CLOSE_AFTER_MS, t -> spdy.close());
  }
}
