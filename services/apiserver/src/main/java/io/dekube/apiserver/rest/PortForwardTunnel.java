package io.dekube.apiserver.rest;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kubectl port-forward's SPDY session: over a plain {@code Upgrade: SPDY/3.1} connection (kubectl up to
 * 1.30, client-go's SPDY dialer) or as the bytes of WebSocket binary messages (the tunnel of kubectl
 * 1.31+). Each forwarded connection is a pair of SPDY streams (headers {@code streamType}
 * {@code error} and {@code data}, same {@code port} and {@code requestID}); each data stream is
 * bridged to its own WebSocket to the kubelet's {@code /portForward} (channel 0 data, channel 1
 * errors, the first message on each channel naming the port). Confined to the client connection's
 * event loop.
 */
final class PortForwardTunnel {

  private final SpdySession spdy;
  private final KubeletProxy proxy;
  private final KubeletProxy.Target target;
  private final Map<String, Integer> errorStreams = new HashMap<>();
  private final Map<Integer, WebSocket> byDataStream = new HashMap<>();
  private final Map<Integer, Integer> errorOfData = new HashMap<>();
  /** Data that came before the stream's kubelet WebSocket was up; null once it is. */
  private final Map<Integer, List<Buffer>> early = new HashMap<>();
  private final Set<Integer> finishedEarly = new HashSet<>();

  PortForwardTunnel(SpdySession.Wire client, KubeletProxy proxy, KubeletProxy.Target target) {
    this.spdy = new SpdySession(client, this::frame);
    this.proxy = proxy;
    this.target = target;
  }

  /** Starts relaying; {@code closed} runs when the client's connection closes. */
  void start(Runnable closed) {
    spdy.start(() -> {
      closed.run();
      byDataStream.values().forEach(ws -> ws.close());
    });
  }

  private void frame(Object frame) {
    if (frame instanceof SpdySynStreamFrame syn) {
      synStream(syn);
    } else if (frame instanceof SpdyDataFrame data) {
      int stream = data.streamId();
      WebSocket ws = byDataStream.get(stream);
      if (data.content().readableBytes() > 0) {
        Buffer msg = Buffer.buffer().appendByte((byte) 0).appendBytes(ByteBufUtil.getBytes(data.content()));
        if (ws != null) {
          ws.writeBinaryMessage(msg);
        } else if (early.containsKey(stream)) {
          early.get(stream).add(msg);
        }
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
    }
  }

  private void synStream(SpdySynStreamFrame syn) {
    int id = syn.streamId();
    String type = SpdySession.header(syn, "streamType");
    String port = SpdySession.header(syn, "port");
    String request = SpdySession.header(syn, "requestID");
    spdy.reply(syn);
    if ("error".equals(type)) {
      errorStreams.put(request, id);
      return;
    }
    if (!"data".equals(type) || port == null || !port.matches("\\d{1,5}")) {
      spdy.finish(id);
      return;
    }
    Integer errorStream = errorStreams.remove(request);
    if (errorStream != null) {
      errorOfData.put(id, errorStream);
    }
    early.put(id, new ArrayList<>());
    String uri = "/portForward/" + target.namespace() + "/" + target.pod() + "?ports=" + port;
    proxy.connect(target, uri, List.of("portforward.k8s.io")).onComplete(ar -> {
      if (ar.failed()) {
        early.remove(id);
        // the kubelet's own refusal is the client's answer, as for exec and attach (KubeletProxy)
        error(id, ar.cause() instanceof UpgradeRejectedException u && u.getBody() != null
            && u.getBody().length() > 0 ? u.getBody().toString().trim()
            : "cannot reach the kubelet: " + ar.cause().getMessage());
        finish(id);
        return;
      }
      bridge(id, ar.result());
    });
  }

  private void bridge(int dataStream, WebSocket ws) {
    byDataStream.put(dataStream, ws);
    List<Buffer> pending = early.remove(dataStream);
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
        spdy.data(dataStream, payload.getBytes());
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
      spdy.data(err, message);
    }
  }

  private void finish(int dataStream) {
    spdy.finish(dataStream);
    Integer err = errorOfData.remove(dataStream);
    if (err != null) {
      spdy.finish(err);
    }
  }
}
