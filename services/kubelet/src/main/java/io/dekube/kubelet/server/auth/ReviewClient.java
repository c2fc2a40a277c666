package io.dekube.kubelet.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.KeyCerts;
import io.dekube.core.pki.Pem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Posts the kubelet's reviews (SubjectAccessReviews, TokenReviews) over HTTPS to an apiserver of the
 * {@code default/kubernetes} Endpoints, presenting the kubelet's own client certificate
 * ({@code system:node:<name>} in {@code system:nodes}), trusting the cluster CA. An apiserver that
 * cannot be reached is skipped for the next one; an apiserver's refusal (a non-2xx answer) or a timeout
 * fails the review. Runs on the kubelet's context; never blocks.
 */
public final class ReviewClient {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient client;
  private final Supplier<List<ApiServerEndpoints.Address>> apiservers;

  private ReviewClient(HttpClient client, Supplier<List<ApiServerEndpoints.Address>> apiservers) {
    this.client = client;
    this.apiservers = apiservers;
  }

  /** A client trusting the cluster {@code ca}, presenting {@code identity}, asking the {@code apiservers}. */
  public static ReviewClient create(Vertx vertx, X509Certificate ca, CertificateBundle identity,
                             Supplier<List<ApiServerEndpoints.Address>> apiservers) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(Pem.certificate(ca))))
        .setKeyCertOptions(KeyCerts.of(identity)).setConnectTimeout((int) TIMEOUT.toMillis()));
    return new ReviewClient(client, apiservers);
  }

  /** The answered review ({@code path} is the review resource's collection). */
  Future<JsonNode> post(String path, ObjectNode review) {
    List<ApiServerEndpoints.Address> targets = apiservers.get();
    if (targets.isEmpty()) {
      return Future.failedFuture("no apiserver address in the default/kubernetes Endpoints");
    }
    return ask(path, Buffer.buffer(review.toString()), targets, 0);
  }

  private Future<JsonNode> ask(String path, Buffer body, List<ApiServerEndpoints.Address> targets, int i) {
    ApiServerEndpoints.Address to = targets.get(i);
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(to.host()).setPort(to.port())
        .setURI(path).putHeader("Content-Type", "application/json").putHeader("Accept", "application/json")
        .setIdleTimeout(TIMEOUT.toMillis());
    String kind = review(path);
    Future<JsonNode> answer = client.request(o).compose(req -> req.send(body)
        .compose(resp -> resp.body().compose(b -> resp.statusCode() / 100 == 2 ? Future.succeededFuture(json(b, kind))
            : Future.failedFuture(new Refused("the apiserver " + to.host() + ":" + to.port() + " answered "
                + resp.statusCode() + " to the " + kind + ": " + message(b))))));
    return answer.recover(e -> e instanceof Refused || i + 1 >= targets.size() ? Future.failedFuture(e)
        : ask(path, body, targets, i + 1));
  }

  private static String review(String path) {
    return path.contains("tokenreviews") ? "TokenReview" : "SubjectAccessReview";
  }

  private static JsonNode json(Buffer body, String kind) {
    try {
      return Json.MAPPER.readTree(body.getBytes());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the " + kind + "'s answer is not JSON: " + e.getMessage(), e);
    }
  }

  private static String message(Buffer body) {
    try {
      return Json.MAPPER.readTree(body.getBytes()).path("message").asText(body.toString());
    } catch (java.io.IOException e) {
      return body.toString();
    }
  }

  public Future<Void> close() {
    return client.close();
  }

  /** An apiserver answered, but not with a review: asking another would not help. */
  private static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }
}
