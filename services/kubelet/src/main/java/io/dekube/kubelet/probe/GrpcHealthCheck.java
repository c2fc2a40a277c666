package io.dekube.kubelet.probe;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@code grpc} probe, as kube's gRPC prober makes it: {@code grpc.health.v1.Health/Check} over HTTP/2 without
 * TLS to the pod's address and port, the probe's {@code service} in the request; it passes when the answer's
 * status is {@code SERVING}. What fails is worded as kube words it: {@code timeout: failed to connect service
 * "127.0.0.1:2379" within 1s: context deadline exceeded} when no gRPC server answers in time (a closed port, an
 * HTTP/1 server), {@code service unhealthy (responded with "NOT_SERVING")}, {@code error: this server does not
 * implement the grpc health protocol (grpc.health.v1.Health): ...} for {@code UNIMPLEMENTED}, else {@code error:
 * health rpc probe failed: rpc error: code = ... desc = ...}. Callable from any context.
 */
final class GrpcHealthCheck {

  private static final Map<Vertx, HttpClient> CLIENTS = new ConcurrentHashMap<>();
  private static final String[] STATUSES = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};
  private static final String[] CODES = {"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
      "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange",
      "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"};

  private GrpcHealthCheck() {
  }

  /** Checks {@code service} at {@code host:port} within {@code timeoutMs}: null when SERVING, else why not. */
  static Future<String> check(Vertx vertx, String host, int port, String service, long timeoutMs) {
    String addr = host + ":" + port;
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
        .setURI("/grpc.health.v1.Health/Check").setTimeout(timeoutMs)
        .putHeader("content-type", "application/grpc").putHeader("te", "trailers")
        .putHeader("user-agent", "kube-probe/1.32");
    HttpClient client = CLIENTS.computeIfAbsent(vertx, v -> v.createHttpClient(new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setKeepAlive(false)
        .setConnectTimeout((int) Math.max(1000, timeoutMs))));
    return client.request(o).compose(req -> req.send(request(service)))
        .compose(resp -> resp.body().map(body -> judge(resp, body)))
        .recover(e -> Future.succeededFuture("timeout: failed to connect service \"" + addr + "\" within "
            + (timeoutMs % 1000 == 0 ? timeoutMs / 1000 + "s" : timeoutMs + "ms") + ": context deadline exceeded"));
  }

  /** A HealthCheckRequest in gRPC's framing: uncompressed, its length, then field 1 (the service name). */
  static Buffer request(String service) {
    byte[] name = service == null ? new byte[0] : service.getBytes(StandardCharsets.UTF_8);
    Buffer message = Buffer.buffer();
    if (name.length > 0) {
      message.appendByte((byte) 0x0a);
      varint(message, name.length);
      message.appendBytes(name);
    }
    return Buffer.buffer().appendByte((byte) 0).appendInt(message.length()).appendBuffer(message);
  }

  /** null when the answer says SERVING, else kube's words for it. */
  static String judge(HttpClientResponse resp, Buffer body) {
    String code = resp.getTrailer("grpc-status") != null ? resp.getTrailer("grpc-status") : resp.getHeader("grpc-status");
    String message = resp.getTrailer("grpc-message") != null ? resp.getTrailer("grpc-message")
        : resp.getHeader("grpc-message") == null ? "" : resp.getHeader("grpc-message");
    return judge(resp.statusCode(), code, message, body);
  }

  static String judge(int httpStatus, String grpcStatus, String message, Buffer body) {
    if (grpcStatus == null) {
      return "error: health rpc probe failed: rpc error: code = Unknown desc = unexpected HTTP status code received "
          + "from server: " + httpStatus;
    }
    int code = Integer.parseInt(grpcStatus.strip());
    if (code == 12) {
      return "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): " + message;
    }
    if (code != 0) {
      return "error: health rpc probe failed: rpc error: code = " + (code < CODES.length ? CODES[code] : "Code(" + code
          + ")") + " desc = " + message;
    }
    int status = status(body);
    return status == 1 ? null : "service unhealthy (responded with \""
        + (status >= 0 && status < STATUSES.length ? STATUSES[status] : Integer.toString(status)) + "\")";
  }

  /** The HealthCheckResponse's status (field 1), 0 (UNKNOWN) when absent. */
  private static int status(Buffer body) {
    int pos = 5;
    while (pos < body.length()) {
      int tag = body.getByte(pos++) & 0xff;
      long[] v = readVarint(body, pos);
      pos = (int) v[1];
      if (tag == 0x08) {
        return (int) v[0];
      }
      if ((tag & 7) == 2) {
        pos += (int) v[0];
      }
    }
    return 0;
  }

  private static void varint(Buffer b, int value) {
    int v = value;
    while ((v & ~0x7f) != 0) {
      b.appendByte((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    b.appendByte((byte) v);
  }

  private static long[] readVarint(Buffer b, int from) {
    long value = 0;
    int shift = 0;
    int pos = from;
    while (pos < b.length()) {
      int x = b.getByte(pos++) & 0xff;
      value |= (long) (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        break;
      }
      shift += 7;
    }
    return new long[] {value, pos};
  }
}
