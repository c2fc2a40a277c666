package io.dekube.kubelet.server.auth;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * The kubelet's {@code authorization.mode: Webhook}: each decision is a {@code SubjectAccessReview}
 * ({@code authorization.k8s.io/v1}) posted to an apiserver by the {@link ReviewClient}; the answer's
 * {@code status.allowed} decides. Decisions are kept as kube's defaults say ({@link DecisionCache}:
 * allowed 5 min, denied 30 s), keyed by what the review asks (user, groups, verb, subresource, node),
 * not by path. A review that fails fails the decision (the request gets a 500), and failures are not
 * kept. Runs on the kubelet's context; never blocks.
 */
public final class SubjectAccessReviewer implements KubeletAuthorizer {

  /** kube's {@code authorization.webhook.cacheAuthorizedTTL} default. */
  static final Duration ALLOWED_TTL = Duration.ofMinutes(5);
  /** kube's {@code authorization.webhook.cacheUnauthorizedTTL} default. */
  static final Duration DENIED_TTL = Duration.ofSeconds(30);
  static final String PATH = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

  private final ReviewClient reviews;
  private final DecisionCache cache = new DecisionCache(ALLOWED_TTL, DENIED_TTL, System::nanoTime);

  /** A reviewer posting through {@code reviews} (which it does not close). */
  public SubjectAccessReviewer(ReviewClient reviews) {
    this.reviews = reviews;
  }

  @Override
  public Future<Boolean> authorize(NodeAttributes a) {
    String key = String.join("\n", a.user().name(), String.join(",", a.user().groups()), a.verb(), a.subresource(),
        a.node());
    Boolean kept = cache.get(key);
    if (kept != null) {
      return Future.succeededFuture(kept);
    }
    return reviews.post(PATH, review(a)).map(answer -> answer.path("status").path("allowed").asBoolean(false))
        .onSuccess(allowed -> cache.put(key, allowed));
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
}
