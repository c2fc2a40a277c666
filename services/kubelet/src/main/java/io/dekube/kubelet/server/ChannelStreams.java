package io.dekube.kubelet.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.List;

/**
 * Kubernetes' channel protocol over a WebSocket ({@code v5.channel.k8s.io} … {@code channel.k8s.io}):
 * each binary message starts with its channel (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize;
 * v5's 255 closes a channel). Pure helpers.
 */
public final class ChannelStreams {

  /** The protocols the kubelet speaks, most preferred first. */
  public static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io",
      "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io");

  public static final int STDIN = 0;
  public static final int STDOUT = 1;
  public static final int STDERR = 2;
  public static final int ERROR = 3;
  public static final int RESIZE = 4;
  public static final int CLOSE = 255;

  private ChannelStreams() {
  }

  /** One framed message. */
  public static Buffer frame(int channel, Buffer data) {
    return Buffer.buffer(data.length() + 1).appendByte((byte) channel).appendBuffer(data);
  }

  /** Writes a frame unless the socket is closed. */
  public static void write(ServerWebSocket ws, int channel, Buffer data) {
    if (!ws.isClosed()) {
      ws.writeBinaryMessage(frame(channel, data));
    }
  }

  /** The error channel's final status for an exit code, as the kubelet writes it (v4 and later). */
  public static String exitStatus(int code, List<String> command) {
    if (code == 0) {
      return "{\"metadata\":{},\"status\":\"Success\"}";
    }
    String cmd = String.join(" ", command).replace("\\", "\\\\").replace("\"", "\\\"");
    return "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: "
        + "error executing command [" + cmd + "], exit code " + code + "\",\"reason\":\"NonZeroExitCode\","
        + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"" + code + "\"}]}}";
  }

  /** A failure status with a message (no such pod, container not running). */
  public static String failure(String message) {
    return "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message.replace("\\", "\\\\")
        .replace("\"", "\\\"") + "\",\"reason\":\"InternalError\"}";
  }
}
