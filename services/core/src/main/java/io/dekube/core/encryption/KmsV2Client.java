package io.dekube.core.encryption;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A gRPC client of a KMS v2 plugin ({@code v2.KeyManagementService}) on a unix domain socket, as kube-apiserver's
 * {@code kmsv2.NewGRPCService}: HTTP/2 without TLS (prior knowledge), authority {@code localhost}, one call at a
 * time per caller with the provider's {@code timeout} as deadline, and kube's wait-for-ready (a plugin that is not
 * listening yet is dialled again until the deadline, which then fails {@code DeadlineExceeded}). Errors read as Go's
 * gRPC status errors ({@code rpc error: code = Unknown desc = ...}).
 *
 * <p>The calls block their caller until the answer or the deadline: kube's value transformer, which calls it, is
 * synchronous, and dekube's callers are the writers', informers' and probe's own threads (a read of a DEK seed this
 * process has not seen yet, the one call a reader makes, happens once per seed). The HTTP/2 connection lives on one
 * daemon event loop shared by every plugin client of the process. Thread-safe.
 */
final class KmsV2Client implements AutoCloseable {

  /** A failed call, with the gRPC status code and Go's wording of it. */
  static final class RpcException extends Exception {
    final String code;

    RpcException(String code, String desc) {
      super("rpc error: code = " + code + " desc = " + desc, null, false, false);
      this.code = code;
    }
  }

  private static final String SERVICE = "/v2.KeyManagementService/";
  /** Go's {@code codes.Code} names by number. */
  private static final List<String> CODES = List.of("OK", "Canceled", "Unknown", "InvalidArgument",
      "DeadlineExceeded", "NotFound", "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated");
  private static final long REDIAL_MS = 100;
  private static Vertx vertx;

  private final String providerName;
  private final SocketAddress address;
  private final Duration timeout;
  private final HttpClientAgent http;

  KmsV2Client(String providerName, String socketPath, Duration timeout) {
    this.providerName = providerName;
    this.address = SocketAddress.domainSocketAddress(socketPath);
    this.timeout = timeout;
    this.http = vertx().createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDefaultHost("localhost").setDefaultPort(80)
        .setConnectTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()))));
  }

  private static synchronized Vertx vertx() {
    if (vertx == null) {
      vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
          .setUseDaemonThread(true));
    }
    return vertx;
  }

  /** {@code Status}: the plugin's version, healthz and current key id. */
  KmsProto.Status status() throws RpcException {
    return KmsProto.status(call("Status", new byte[0]));
  }

  /** {@code Encrypt} of a DEK seed. */
  KmsProto.Encrypted encrypt(String uid, byte[] plaintext) throws RpcException {
    return KmsProto.encrypted(call("Encrypt", KmsProto.encryptRequest(plaintext, uid)));
  }

  /** {@code Decrypt} of an encrypted DEK seed. */
  byte[] decrypt(String uid, KmsProto.EncryptedObject o) throws RpcException {
    return KmsProto.plaintext(call("Decrypt", KmsProto.decryptRequest(o.encryptedDekSource(), uid, o.keyId(),
        o.annotations())));
  }

  /** One unary call: the response message, or the call's gRPC error. Times kube's latency histogram. */
  byte[] call(String method, byte[] request) throws RpcException {
    long start = System.nanoTime();
    String code = "OK";
    try {
      return callUntilDeadline(method, request, start + timeout.toNanos());
    } catch (RpcException e) {
      code = e.code;
      throw e;
    } finally {
      Timer.builder("apiserver.envelope.encryption.kms.operations.latency.seconds")
          .description("KMS operation duration with gRPC error code status total.")
          .tag("provider_name", providerName).tag("method_name", SERVICE + method).tag("grpc_status_code", code)
          .serviceLevelObjectives(kubeBuckets()).register(Metrics.registry())
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private byte[] callUntilDeadline(String method, byte[] request, long deadline) throws RpcException {
    Buffer frame = Buffer.buffer(5 + request.length).appendByte((byte) 0).appendInt(request.length)
        .appendBytes(request);
    while (true) {
      CompletableFuture<byte[]> answer = new CompletableFuture<>();
      http.request(new RequestOptions().setServer(address).setMethod(HttpMethod.POST).setHost("localhost")
              .setPort(80).setURI(SERVICE + method).putHeader("content-type", "application/grpc")
              .putHeader("te", "trailers"))
          .compose(req -> req.send(frame))
          .compose(resp -> resp.body().compose(body -> {
            try {
              return Future.succeededFuture(answer(resp, body));
            } catch (RpcException e) {
              return Future.failedFuture(e);
            }
          }))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              answer.complete(ar.result());
            } else {
              answer.completeExceptionally(ar.cause());
            }
          });
      long left = deadline - System.nanoTime();
      try {
        // the transformer's contract is synchronous (kube's is too): callers are never event loops, see the type
        return answer.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        answer.cancel(false);
        throw new RpcException("DeadlineExceeded", "context deadline exceeded");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RpcException("Canceled", "context canceled");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RpcException r) {
          throw r;
        }
        // no connection (the plugin is not listening, or went away): kube's wait-for-ready dials again until the
        // deadline, whose error is what the caller sees
        left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new RpcException("DeadlineExceeded", "context deadline exceeded");
        }
        try {
          Thread.sleep(Math.min(REDIAL_MS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new RpcException("Canceled", "context canceled");
        }
      }
    }
  }

  /** The message of a gRPC response, or its status as an RpcException (Trailers-Only answers carry it in headers). */
  private static byte[] answer(HttpClientResponse resp, Buffer body) throws RpcException {
    String status = resp.trailers().get("grpc-status");
    String message = resp.trailers().get("grpc-message");
    if (status == null) {
      status = resp.headers().get("grpc-status");
      message = resp.headers().get("grpc-message");
    }
    if (status == null) {
      throw new RpcException(resp.statusCode() == 200 ? "Internal" : "Unknown",
          "unexpected HTTP status code received from server: " + resp.statusCode());
    }
    int code;
    try {
      code = Integer.parseInt(status.trim());
    } catch (NumberFormatException e) {
      code = 2;
    }
    if (code != 0) {
      String desc = message == null ? "" : URLDecoder.decode(message.replace("+", "%2B"), StandardCharsets.UTF_8);
      throw new RpcException(code < CODES.size() ? CODES.get(code) : "Code(" + code + ")", desc);
    }
    if (body.length() < 5 || body.getByte(0) != 0) {
      throw new RpcException("Internal", body.length() < 5 ? "server closed the stream without sending a message"
          : "grpc: compressed message received without grpc-encoding");
    }
    int length = body.getInt(1);
    if (length < 0 || length > body.length() - 5) {
      throw new RpcException("Internal", "grpc: failed to unmarshal the received message: unexpected EOF");
    }
    return body.getBytes(5, 5 + length);
  }

  /** kube's buckets of {@code apiserver_envelope_encryption_kms_operations_latency_seconds}: 0.1 ms doubling. */
  private static Duration[] kubeBuckets() {
    Duration[] b = new Duration[15];
    double s = 0.0001;
    for (int i = 0; i < b.length; i++, s *= 2) {
      b[i] = Duration.ofNanos((long) (s * 1e9));
    }
    return b;
  }

  @Override
  public void close() {
    http.close();
  }
}
