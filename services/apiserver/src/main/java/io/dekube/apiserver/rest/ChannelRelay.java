package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * An exec or attach WebSocket of a client piped frame by frame to the kubelet's, whichever side is there
 * first: the kubelet's frames and its close wait for the client; the client's frames (stdin, its close of
 * a channel) wait, paused, for the kubelet. Either side closing closes the other.
 *
 * <p>Two orders, as kube-apiserver has them. A client that offers {@code v5.channel.k8s.io} (kubectl 1.30+)
 * is upgraded first and the kubelet dialled after ({@link #translating}), as kube's
 * {@code StreamTranslatorHandler} does; a kubelet that refuses (a container not running) ends the stream
 * with an {@code InternalError} Status on the error channel ({@link #refused}). Older protocols go through
 * kube's upgrade-aware proxy: the kubelet is dialled first and its refusal is the client's HTTP answer.
 *
 * <p>The order matters to kubectl 1.32: its WebSocket executor starts reading the socket before it has
 * created its stdout stream (client-go's {@code readDemuxLoop}, kubernetes/kubernetes#131189, fixed in 1.33
 * by #131203) and drops a frame of a stream not yet created ({@code Unknown stream id 1, discarding
 * message}). In kube the first output comes after the apiserver has dialled the kubelet and the runtime
 * has started the process, never with the 101; a built-in command of the jvm runtime answers within the
 * kubelet's handshake, so dialling the kubelet before the upgrade put its output 30 µs behind the 101, and
 * now and then under load (1 exec in 150 to 500 here) kubectl exited 0 with empty stdout. Upgraded first,
 * the output comes 2 to 15 ms after the 101 (the kubelet's TLS dial), as on kube. kube's translator also
 * writes an empty frame on the lowest output channel right after the 101; it carries nothing and kubectl
 * 1.32 would log that very race for it on stderr, so it is left out. Event-loop only.
 */
final class ChannelRelay {

  /** The channel protocol whose clients kube-apiserver serves through its stream translator. */
  static final String V5 = "v5.channel.k8s.io";
  private static final int ERROR_CHANNEL = 3;

  private final Runnable closed;
  private final String protocol;
  private final List<WebSocketFrame> early = new ArrayList<>();
  private WebSocket kubelet;
  private ServerWebSocket client;
  private boolean kubeletClosed;

  /** {@code protocol}: the one agreed with the client; {@code closed} runs once the client's socket closes. */
  ChannelRelay(String protocol, Runnable closed) {
    this.protocol = protocol;
    this.closed = closed;
  }

  /** Whether a client offering {@code offered} is upgraded before the kubelet is dialled. */
  static boolean translating(List<String> offered) {
    return offered.contains(V5);
  }

  /** The channel protocol a handshake agrees with a client offering {@code offered}: its first one served. */
  static String agreed(List<String> offered) {
    return offered.stream().filter(WebSocketUpgrade.CHANNEL_PROTOCOLS::contains).findFirst().orElse(null);
  }

  /** The kubelet's socket: its frames go to the client, or wait for it; its close closes the client. */
  void kubelet(WebSocket k) {
    kubelet = k;
    k.frameHandler(f -> {
      if (!data(f)) {
        return;
      }
      if (client == null) {
        early.add(f);
      } else if (!client.isClosed()) {
        client.writeFrame(f);
      }
    });
    k.closeHandler(v -> {
      kubeletClosed = true;
      if (client != null && !client.isClosed()) {
        client.close();
      }
    });
    if (client != null) {
      if (client.isClosed()) {
        k.close();
      } else {
        client.resume();
      }
    }
  }

  /** The client's upgraded socket: paused until the kubelet's is there, then its frames go to the kubelet. */
  void client(ServerWebSocket c) {
    client = c;
    c.frameHandler(f -> {
      if (data(f) && kubelet != null && !kubelet.isClosed()) {
        kubelet.writeFrame(f);
      }
    });
    c.closeHandler(v -> {
      closed.run();
      if (kubelet != null && !kubelet.isClosed()) {
        kubelet.close();
      }
    });
    if (kubelet == null) {
      c.pause();
      return;
    }
    early.forEach(c::writeFrame);
    early.clear();
    if (kubeletClosed || kubelet.isClosed()) {
      c.close();
    }
  }

  /**
   * The kubelet could not be dialled or refused the stream: the client, upgraded already, gets kube's
   * translator's {@code InternalError} on the error channel and the close.
   */
  void refused(Throwable cause) {
    if (client == null || client.isClosed()) {
      return;
    }
    String message = refusal(cause);
    // the status as v4 and v5 carry it; the older protocols, agreed when the client offers one before v5, its text
    String text = List.of(V5, "v4.channel.k8s.io").contains(protocol) ? internalError(message).toString() : message;
    client.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer().appendByte((byte) ERROR_CHANNEL)
        .appendString(text), true));
    client.close();
  }

  /**
   * What client-go's SPDY executor (the translator's client of the kubelet) says of a failed dial: the
   * kubelet's own text after {@code unable to upgrade connection:}, else the request's error.
   */
  static String refusal(Throwable cause) {
    if (cause instanceof UpgradeRejectedException u) {
      String body = u.getBody() == null ? "" : u.getBody().toString().trim();
      return "unable to upgrade connection: " + (body.isEmpty() ? "status " + u.getStatus() : body);
    }
    return "error sending request: " + cause.getMessage();
  }

  /** kube's {@code NewInternalError} as the translator writes it: a Status without kind and apiVersion. */
  static ObjectNode internalError(String message) {
    ObjectNode details = Json.object();
    details.putArray("causes").addObject().put("message", message);
    ObjectNode status = new StatusException(500, "InternalError", "Internal error occurred: " + message, details)
        .toStatus();
    status.remove(List.of("kind", "apiVersion"));
    return status;
  }

  private static boolean data(WebSocketFrame f) {
    return f.isBinary() || f.isText() || f.isContinuation();
  }
}
