package io.dekube.kubelet.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * The kubelet's {@code authorization.mode: Webhook}: each decision is a {@code SubjectAccessReview}
 * ({@code authorization.k8s.io/v1}) posted over HTTPS to an apiserver, presenting the kubelet's own
 * client certificate ({@code system:node:<name>} in {@code system:nodes}); the answer's
 * {@code status.allowed} decides. Decisions are kept as kube's defaults say ({@link DecisionCache}:
 * allowed 5 min, denied 30 s), keyed by what the review asks (user, groups, verb, subresource, node),
 * not by path. An apiserver that cannot be reached is skipped for the next one of the
 * {@code default/kubernetes} Endpoints; an apiserver's refusal or a timeout fails the decision (the
 * request gets a 500), and failures are not kept. Runs on the kubelet's context; never blocks.
 */
public final class SubjectAccessReviewer implements KubeletAuthorizer {

  /** kube's {@code authentication.webhook.cacheAuthorizedTTL} default. */
  static final Duration ALLOWED_TTL = Duration.ofMinutes(5);
  /** kube's {@code authentication.webhook.cacheUnauthorizedTTL} default. */
  static final Duration DENIED_TTL = Duration.ofSeconds(30);
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final String PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

  private final HttpClient client;
  private final Supplier<List<ApiServerEndpoints.Address>> apiservers;
  private final DecisionCache cache = new DecisionCache(ALLOWED_TTL, DENIED_TTL, System::nanoTime);

  private SubjectAccessReviewer(HttpClient client, Supplier<List<ApiServerEndpoints.Address>> apiservers) {
    this.client = client;
    this.apiservers = apiservers;
  }

  /** A reviewer trusting the cluster {@code ca}, presenting {@code identity}, asking the {@code apiservers}. */
  public static SubjectAccessReviewer create(Vertx vertx, X509Certificate ca, CertificateBundle identity,
                                             Supplier<List<ApiServerEndpoints.Address>> apiservers) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(Pem.certificate(ca))))
        .setKeyCertOptions(KeyCerts.of(identity)).setConnectTimeout((int) TIMEOUT.toMillis()));
    return new SubjectAccessReviewer(client, apiservers);
  }

  @Override
  public Future<Boolean> authorize(NodeAttributes a) {
    String key = String.join("\n", a.user().name(), String.join(",", a.user().groups()), a.verb(), a.subresource(),
        a.node());
    Boolean kept = cache.get(key);
    if (kept != null) {
      return Future.succeededFuture(kept);
    }
    List<ApiServerEndpoints.Address> targets = apiservers.get();
    if (targets.isEmpty()) {
      return Future.failedFuture("no apiserver address in the default/kubernetes Endpoints");
    }
    Buffer body = Buffer.buffer(review(a).toString());
    return ask(body, targets, 0).onSuccess(allowed -> cache.put(key, allowed));
  }

  private Future<Boolean> ask(Buffer body, List<ApiServerEndpoints.Address> targets, int i) {
    ApiServerEndpoints.Address to = targets.get(i);
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setHost(to.host()).setPort(to.port())
        .setURI(PATH).putHeader("Content-Type", "application/json").putHeader("Accept", "application/json")
        .setIdleTimeout(TIMEOUT.toMillis());
    Future<Boolean> answer = client.request(o).compose(req -> req.send(body)
        .compose(resp -> resp.body().compose(b -> resp.statusCode() / 100 == 2 ? Future.succeededFuture(allowed(b))
            : Future.failedFuture(new Refused("the apiserver " + to.host() + ":" + to.port() + " answered "
                + resp.statusCode() + " to the SubjectAccessReview: " + message(b))))));
    return answer.recover(e -> e instanceof Refused || i + 1 >= targets.size() ? Future.failedFuture(e)
        : ask(body, targets, i + 1));
  }

  /** The review kube's webhook authorizer posts for a kubelet request. */
  static ObjectNode review(NodeAttributes a) {
    ObjectNode r = Json.object().put("apiVersion", "authorization.k8s.io/v1").put("kind", "SubjectAccessReview");
    r.putObject("metadata");
    ObjectNode spec = r.putObject("spec");
    spec.putObject("resourceAttributes").put("verb", a.verb()).put("version", "v1").put("resource", "nodes")
        .put("subresource", a.subresource()).put("name", a.node());
    spec.put("user", a.user().name());
    ArrayNode groups = spec.putArray("groups");
    a.user().groups().forEach(groups::add);
    return r;
  }

  private static boolean allowed(Buffer body) {
    try {
      JsonNode status = Json.MAPPER.readTree(body.getBytes()).path("status");
      return status.path("allowed").asBoolean(false);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the SubjectAccessReview's answer is not JSON: " + e.getMessage(), e);
    }
  }

  private static String message(Buffer body) {
    try {
      return Json.MAPPER.readTree(body.getBytes()).path("message").asText(body.toString());
    } catch (java.io.IOException e) {
      return body.toString();
    }
  }

  @Override
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
