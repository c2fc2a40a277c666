package io.dekube.kubelet.runtime.docker;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A Docker Engine API client (v1.41, which Docker and Podman's compat API both serve) on Vert.x's HTTP client,
 * over a unix socket ({@code unix:///var/run/docker.sock}) or TCP ({@code tcp://host:2375}). Non-2xx answers fail
 * with {@link EngineException} carrying the engine's {@code message}; an engine that does not answer fails with the
 * docker CLI's "Cannot connect to the Docker daemon at …". Never blocks; callbacks on the caller's context.
 */
public final class DockerClient {

  /** The API version in every path. */
  static final String API = "/v1.41";

  private final String endpoint;
  private final SocketAddress address;
  private final HttpClientAgent http;
  private final NetClient net;

  public DockerClient(Vertx vertx, String endpoint) {
    this.endpoint = endpoint;
    this.address = address(endpoint);
    // each running container holds two long requests (its wait and its log stream): a large pool
    this.http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(80)
        .setConnectTimeout(5000).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(4096));
    this.net = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5000));
  }

  /** The socket of an endpoint: {@code unix:///path}, a bare {@code /path}, or {@code tcp://host:port}. */
  static SocketAddress address(String endpoint) {
    if (endpoint.startsWith("unix://")) {
      return SocketAddress.domainSocketAddress(endpoint.substring("unix://".length()));
    }
    if (endpoint.startsWith("/")) {
      return SocketAddress.domainSocketAddress(endpoint);
    }
    if (endpoint.startsWith("tcp://") || endpoint.startsWith("http://")) {
      String hostPort = endpoint.substring(endpoint.indexOf("://") + 3).replaceAll("/+$", "");
      int colon = hostPort.lastIndexOf(':');
      if (colon > 0) {
        return SocketAddress.inetSocketAddress(Integer.parseInt(hostPort.substring(colon + 1)),
            hostPort.substring(0, colon));
      }
      return SocketAddress.inetSocketAddress(2375, hostPort);
    }
    throw new IllegalArgumentException("--docker-endpoint is unix:///path or tcp://host:port, got " + endpoint);
  }

  /** The endpoint as given. */
  public String endpoint() {
    return endpoint;
  }

  /** An error of the engine: its HTTP status (0: no answer) and message. */
  public static final class EngineException extends RuntimeException {
    private final int status;

    EngineException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** GET of a JSON object. */
  public Future<JsonObject> get(String path) {
    return call(HttpMethod.GET, path, null).map(DockerClient::object);
  }

  /** GET of a JSON array. */
  public Future<JsonArray> list(String path) {
    return call(HttpMethod.GET, path, null).map(b -> b.length() == 0 ? new JsonArray() : new JsonArray(b));
  }

  /** POST of {@code body} (null: none); the answer's JSON object ({} when it has none). */
  public Future<JsonObject> post(String path, JsonObject body) {
    return call(HttpMethod.POST, path, body == null ? null : body.toBuffer()).map(DockerClient::object);
  }

  /** DELETE; a 404 counts as done. */
  public Future<Void> delete(String path) {
    return call(HttpMethod.DELETE, path, null).<Void>mapEmpty()
        .recover(e -> e instanceof EngineException x && x.status() == 404 ? Future.succeededFuture()
            : Future.failedFuture(e));
  }

  /** POST of raw bytes ({@code contentType}); the whole answer. */
  public Future<Buffer> postRaw(String path, Buffer body, String contentType) {
    return send(HttpMethod.POST, path, body, contentType).compose(resp -> resp.body().compose(b -> answer(resp, b)));
  }

  /**
   * A streamed answer ({@code GET}, or {@code POST} when {@code post}): each chunk goes to {@code chunks} as it comes;
   * completes when the engine ends the answer.
   */
  public Future<Void> stream(HttpMethod method, String path, Handler<Buffer> chunks) {
    return send(method, path, null, null).compose(resp -> {
      if (resp.statusCode() / 100 != 2) {
        return resp.body().compose(b -> answer(resp, b)).mapEmpty();
      }
      Promise<Void> done = Promise.promise();
      resp.handler(chunks);
      resp.exceptionHandler(done::tryFail);
      resp.endHandler(v -> done.tryComplete());
      return done.future();
    });
  }

  private Future<Buffer> call(HttpMethod method, String path, Buffer body) {
    return send(method, path, body, "application/json").compose(resp -> resp.body().compose(b -> answer(resp, b)));
  }

  private Future<HttpClientResponse> send(HttpMethod method, String path, Buffer body, String contentType) {
    RequestOptions o = new RequestOptions().setServer(address).setMethod(method).setHost("localhost").setPort(80)
        .setURI(API + path);
    if (body != null) {
      o.putHeader("content-type", contentType);
    }
    return http.request(o).compose(req -> body == null ? req.send() : req.send(body))
        .recover(e -> Future.failedFuture(e instanceof EngineException ? e : unreachable(e)));
  }

  private EngineException unreachable(Throwable e) {
    return new EngineException(0, "Cannot connect to the Docker daemon at " + endpoint
        + ". Is the docker daemon running? (" + e.getMessage() + ")");
  }

  private static Future<Buffer> answer(HttpClientResponse resp, Buffer body) {
    if (resp.statusCode() / 100 == 2) {
      return Future.succeededFuture(body);
    }
    return Future.failedFuture(new EngineException(resp.statusCode(), message(body)));
  }

  /** The engine's {@code message} in an error answer, or its text. */
  static String message(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8).strip();
    try {
      JsonObject o = new JsonObject(text);
      return o.getString("message", text);
    } catch (RuntimeException e) {
      return text;
    }
  }

  private static JsonObject object(Buffer b) {
    return b.length() == 0 ? new JsonObject() : new JsonObject(b);
  }

  /**
   * A hijacked connection ({@code POST path} with {@code body}, null for none, {@code Upgrade: tcp}): once the engine answered
   * 101 (or 200), the connection is the raw stream of a container's or an exec's stdio; what comes goes to
   * {@code data}, the socket takes stdin. Fails with the engine's error when it refuses.
   */
  public Future<NetSocket> hijack(String path, JsonObject body, Handler<Buffer> data) {
    byte[] json = body == null ? new byte[0] : body.toBuffer().getBytes(); // an attach has none: podman reads it as stdin
    String head = "POST " + API + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        + "Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: " + json.length + "\r\n\r\n";
    return net.connect(address).recover(e -> Future.failedFuture(unreachable(e))).compose(socket -> {
      Promise<NetSocket> ready = Promise.promise();
      Buffer[] pending = {Buffer.buffer()};
      socket.handler(chunk -> {
        if (pending[0] == null) {
          data.handle(chunk);
          return;
        }
        pending[0].appendBuffer(chunk);
        String seen = pending[0].toString(StandardCharsets.ISO_8859_1);
        int end = seen.indexOf("\r\n\r\n");
        if (end < 0) {
          return;
        }
        Buffer rest = pending[0].getBuffer(end + 4, pending[0].length());
        pending[0] = null;
        int status = statusOf(seen);
        if (status == 101 || status == 200) {
          ready.tryComplete(socket);
          if (rest.length() > 0) {
            data.handle(rest);
          }
        } else {
          socket.close();
          ready.tryFail(new EngineException(status, message(rest)));
        }
      });
      socket.closeHandler(v -> ready.tryFail(new EngineException(0, "the engine closed the connection")));
      socket.write(Buffer.buffer(head.getBytes(StandardCharsets.ISO_8859_1)).appendBytes(json));
      return ready.future();
    });
  }

  private static int statusOf(String head) {
    String[] parts = head.split(" ", 3);
    try {
      return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Closes the connections. */
  public Future<Void> close() {
    return Future.join(http.close(), net.close()).mapEmpty();
  }
}
