package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Posts reviews (AdmissionReviews, and the CRD conversion webhooks' ConversionReviews) to webhooks over HTTPS,
 * as kube-apiserver's webhook client does: to the
 * {@code url}, or to {@code https://<service>.<namespace>.svc:<port><path>} reached through a ready
 * endpoint of the Service (the certificate must name that host); trusting the {@code caBundle}, else
 * the JVM's trust store; {@code ?timeout=<n>s} on the URL and the request given up after
 * {@code timeoutSeconds}. Asynchronous; one HTTP client per trust setting. Thread-safe.
 */
public final class WebhookClient {

  private final Vertx vertx;
  private final ServiceResolver services;
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();
  /**
   * Where calls made outside an event loop (a test's thread, a worker) run. Kept-alive connections are shared by
   * every caller; a call made from a thread that is no event loop gets a new Vert.x context of its own each time,
   * and on such calls a reused connection now and then lost the answer: the webhook answered, the request waited
   * out its timeout (10 of 3,000 calls from a test's thread on a loaded machine; 0 of 3,000 made on event loops,
   * one context or two alternating; Vert.x 5.0.7).
   */
  private final Context home;

  public WebhookClient(Vertx vertx, ServiceResolver services) {
    this.vertx = vertx;
    this.services = services;
    this.home = ((VertxInternal) vertx).createEventLoopContext();
  }

  /**
   * A failed call, with kube's words after {@code failed calling webhook "NAME": }; {@link #transport()} is the
   * rest client's own error ({@code Post "https://...": ...}) without the admission plugin's prefix.
   */
  public static final class CallFailed extends RuntimeException {
    private static final String PREFIX = "failed to call webhook: ";

    CallFailed(String message) {
      super(message, null, false, false);
    }

    /** The error as kube's rest client words it, without {@code failed to call webhook: }. */
    public String transport() {
      String m = getMessage();
      return m.startsWith(PREFIX) ? m.substring(PREFIX.length()) : m;
    }
  }

  /** The webhook's answer to {@code review}; fails with {@link CallFailed}. */
  Future<JsonNode> call(Webhook w, ObjectNode review) {
    return call(w.clientConfig(), w.timeoutSeconds(), review);
  }

  /**
   * The answer of the webhook at {@code clientConfig} ({@code url} or {@code service}, {@code caBundle}) to
   * {@code review}, given up after {@code timeoutSeconds}; fails with {@link CallFailed}.
   */
  public Future<JsonNode> call(JsonNode clientConfig, int timeoutSeconds, ObjectNode review) {
    if (Context.isOnEventLoopThread()) {
      return post(clientConfig, timeoutSeconds, review);
    }
    Promise<JsonNode> answer = Promise.promise();
    home.runOnContext(v -> post(clientConfig, timeoutSeconds, review).onComplete(answer));
    return answer.future();
  }

  private Future<JsonNode> post(JsonNode clientConfig, int timeoutSeconds, ObjectNode review) {
    Target t;
    try {
      t = target(clientConfig);
    } catch (IllegalStateException e) {
      return Future.failedFuture(new CallFailed("failed to call webhook: " + e.getMessage()));
    }
    String url = t.url() + (t.url().contains("?") ? "&" : "?") + "timeout=" + timeoutSeconds + "s";
    String post = "Post \"" + url + "\": ";
    long timeoutMs = timeoutSeconds * 1000L;
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST)
        .setServer(SocketAddress.inetSocketAddress(t.connectPort(), t.connectHost()))
        .setHost(t.host()).setPort(t.port()).setURI(t.pathAndQuery(url)).setConnectTimeout(timeoutMs)
        .setIdleTimeout(timeoutMs).putHeader("Content-Type", "application/json")
        .putHeader("Accept", "application/json");
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    Buffer body = Buffer.buffer(review.toString());
    return client(clientConfig.path("caBundle").asText("")).request(o)
        .compose(req -> {
          sent.set(req);
          return req.send(body);
        })
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() < 200 || resp.statusCode() > 299) {
            throw new CallFailed("the server responded with the status code " + resp.statusCode()
                + " but did not return more information");
          }
          try {
            return (JsonNode) Json.MAPPER.readTree(b.getBytes());
          } catch (Exception e) {
            throw new CallFailed("received invalid webhook response: " + e.getMessage());
          }
        }))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(e -> {
          if (sent.get() != null) {
            sent.get().reset();
          }
          if (e instanceof CallFailed) {
            return Future.failedFuture(e);
          }
          boolean refused = e instanceof java.net.ConnectException
              && String.valueOf(e.getMessage()).startsWith("Connection refused");
          String why = e instanceof TimeoutException ? "context deadline exceeded"
              : refused ? "dial tcp " + t.connectHost() + ":" + t.connectPort() + ": connect: connection refused"
              : String.valueOf(e.getMessage());
          return Future.failedFuture(new CallFailed("failed to call webhook: " + post + why));
        });
  }

  /** Where to send: the URL's host (and the certificate's name), and the address to connect to. */
  private record Target(String url, String host, int port, String connectHost, int connectPort) {
    String pathAndQuery(String full) {
      URI u = URI.create(full);
      String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
      return u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    }
  }

  private Target target(JsonNode cc) {
    if (cc.hasNonNull("url")) {
      URI u = URI.create(cc.get("url").asText());
      int port = u.getPort() < 0 ? 443 : u.getPort();
      return new Target(cc.get("url").asText(), u.getHost(), port, u.getHost(), port);
    }
    JsonNode svc = cc.path("service");
    String namespace = svc.path("namespace").asText("");
    String name = svc.path("name").asText("");
    int port = svc.path("port").asInt(443);
    String path = svc.path("path").asText("");
    String host = name + "." + namespace + ".svc";
    ServiceResolver.Endpoint e = services.resolve(namespace, name, port);
    return new Target("https://" + host + ":" + port + path, host, port, e.host(), e.port());
  }

  private HttpClient client(String caBundle) {
    return clients.computeIfAbsent(caBundle, ca -> {
      // connections kept alive, as kube-apiserver keeps its webhook connections: no TLS handshake per call
      HttpClientOptions o = new HttpClientOptions().setSsl(true).setVerifyHost(true);
      if (!ca.isEmpty()) {
        o.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(Base64.getMimeDecoder().decode(ca))));
      }
      return vertx.createHttpClient(o);
    });
  }
}
