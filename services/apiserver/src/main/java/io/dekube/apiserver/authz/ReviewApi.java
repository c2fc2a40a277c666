package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.server.StatusResponses;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The virtual, create-only review resources, answered from the authorizer and never stored:
 * {@code authorization.k8s.io/v1} SelfSubjectAccessReview, SubjectAccessReview,
 * LocalSubjectAccessReview and SelfSubjectRulesReview ({@code kubectl auth can-i [--list]}), and
 * {@code authentication.k8s.io} SelfSubjectReview ({@code kubectl auth whoami}) and TokenReview (a
 * token authenticated by the apiserver's own bearer-token authenticators, {@link
 * io.dekube.apiserver.auth.TokenReviewer}; an empty token is 400). Bodies in JSON,
 * YAML or protobuf; answers 201 with the review and its status; a body that is not a review is 400,
 * a spec that says neither or both of resource and non-resource attributes 422, as kube. The
 * requests were authorized ({@code create} on the review resource) before they get here. Runs on
 * the event loop; no I/O.
 */
public final class ReviewApi {

  static final String AUTHZ = "authorization.k8s.io";
  static final String AUTHN = "authentication.k8s.io";

  private final RbacAuthorizer authorizer;
  private final io.dekube.apiserver.auth.TokenReviewer tokens;

  /** @param tokens authenticates the tokens of TokenReviews; null serves none */
  public ReviewApi(RbacAuthorizer authorizer, io.dekube.apiserver.auth.TokenReviewer tokens) {
    this.authorizer = authorizer;
    this.tokens = tokens;
  }

  /** Mounts the POST routes; they come before the REST API. */
  public void mount(Router router) {
    String v1 = "/apis/" + AUTHZ + "/v1/";
    router.post(v1 + "selfsubjectaccessreviews").handler(ctx -> answer(ctx, "SelfSubjectAccessReview",
        "selfsubjectaccessreviews", AUTHZ + "/v1", this::selfAccess));
    router.post(v1 + "subjectaccessreviews").handler(ctx -> answer(ctx, "SubjectAccessReview",
        "subjectaccessreviews", AUTHZ + "/v1", this::access));
    router.post(v1 + "namespaces/:namespace/localsubjectaccessreviews").handler(ctx -> answer(ctx,
        "LocalSubjectAccessReview", "localsubjectaccessreviews", AUTHZ + "/v1", this::localAccess));
    router.post(v1 + "selfsubjectrulesreviews").handler(ctx -> answer(ctx, "SelfSubjectRulesReview",
        "selfsubjectrulesreviews", AUTHZ + "/v1", this::rules));
    if (tokens != null) {
      router.post("/apis/" + AUTHN + "/v1/tokenreviews").handler(ctx -> answer(ctx, "TokenReview", "tokenreviews",
          AUTHN + "/v1", this::token));
    }
    for (String v : new String[] {"v1", "v1beta1", "v1alpha1"}) {
      router.post("/apis/" + AUTHN + "/" + v + "/selfsubjectreviews").handler(ctx -> answer(ctx, "SelfSubjectReview",
          "selfsubjectreviews", AUTHN + "/" + v, this::whoami));
    }
  }

  private interface Review {
    void fill(RoutingContext ctx, UserInfo user, ObjectNode review);
  }

  private void answer(RoutingContext ctx, String kind, String resource, String apiVersion, Review review) {
    try {
      String group = apiVersion.substring(0, apiVersion.indexOf('/'));
      String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
      ObjectNode body = RequestBodies.object(ctx, group, version, resource, kind);
      if (!body.path("kind").asText(kind).equals(kind)) {
        throw StatusException.badRequest("not a " + kind + ": the body is a " + body.path("kind").asText());
      }
      body.put("apiVersion", apiVersion).put("kind", kind);
      io.dekube.apiserver.audit.AuditHandler.request(ctx, body);
      if (!body.path("metadata").isObject()) {
        body.putObject("metadata");
      }
      if (!body.path("spec").isObject()) {
        body.putObject("spec");
      }
      review.fill(ctx, ctx.get(UserInfo.CONTEXT_KEY), body);
      ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json").end(body.toString());
    } catch (StatusException e) {
      StatusResponses.send(ctx, e);
    }
  }

  private void selfAccess(RoutingContext ctx, UserInfo user, ObjectNode review) {
    decide(review, attributes(user, review.path("spec"), "SelfSubjectAccessReview"));
  }

  private void access(RoutingContext ctx, UserInfo caller, ObjectNode review) {
    JsonNode spec = review.path("spec");
    String name = spec.path("user").asText("");
    List<String> groups = strings(spec.path("groups"));
    if (name.isEmpty() && groups.isEmpty()) {
      throw invalid("SubjectAccessReview", "spec.user", "\"\"", "at least one of user or group must be specified");
    }
    decide(review, attributes(new UserInfo(name, spec.path("uid").asText(""), groups), spec, "SubjectAccessReview"));
  }

  private void localAccess(RoutingContext ctx, UserInfo caller, ObjectNode review) {
    String ns = ctx.pathParam("namespace");
    ObjectNode spec = (ObjectNode) review.get("spec");
    String metaNs = review.path("metadata").path("namespace").asText("");
    if (!metaNs.isEmpty() && !metaNs.equals(ns)) {
      throw StatusException.badRequest("the namespace of the provided object does not match the namespace sent on "
          + "the request");
    }
    ((ObjectNode) review.get("metadata")).put("namespace", ns);
    if (spec.has("nonResourceAttributes")) {
      throw invalid("LocalSubjectAccessReview", "spec.nonResourceAttributes", "{}",
          "disallowed on this kind of request");
    }
    if (spec.path("resourceAttributes").isObject()) {
      ObjectNode ra = (ObjectNode) spec.get("resourceAttributes");
      String raNs = ra.path("namespace").asText("");
      if (!raNs.isEmpty() && !raNs.equals(ns)) {
        throw StatusException.badRequest("spec.resourceAttributes.namespace must match namespace: " + ns);
      }
      ra.put("namespace", ns);
    }
    access(ctx, caller, review);
  }

  private void decide(ObjectNode review, Attributes a) {
    RbacAuthorizer.Decision d = authorizer.authorize(a);
    ObjectNode status = review.putObject("status").put("allowed", d.allowed());
    if (!d.reason().isEmpty()) {
      status.put("reason", d.reason());
    }
  }

  private static Attributes attributes(UserInfo user, JsonNode spec, String kind) {
    JsonNode ra = spec.get("resourceAttributes");
    JsonNode nra = spec.get("nonResourceAttributes");
    boolean hasRa = ra != null && ra.isObject();
    boolean hasNra = nra != null && nra.isObject();
    if (hasRa == hasNra) {
      throw invalid(kind, "spec.resourceAttributes", hasRa ? "{...}" : "null",
          "exactly one of nonResourceAttributes or resourceAttributes must be specified");
    }
    if (hasNra) {
      return Attributes.nonResource(user, nra.path("verb").asText(""), nra.path("path").asText(""));
    }
    return Attributes.resource(user, ra.path("verb").asText(""), ra.path("group").asText(""),
        ra.path("resource").asText(""), ra.path("subresource").asText(""), ra.path("namespace").asText(""),
        ra.path("name").asText(""));
  }

  private void rules(RoutingContext ctx, UserInfo user, ObjectNode review) {
    String ns = review.path("spec").path("namespace").asText("");
    ArrayNode resourceRules = Json.MAPPER.createArrayNode();
    ArrayNode nonResourceRules = Json.MAPPER.createArrayNode();
    for (JsonNode r : authorizer.rulesFor(user, ns)) {
      if (r.path("nonResourceURLs").isEmpty()) {
        ObjectNode rr = resourceRules.addObject();
        for (String f : new String[] {"verbs", "apiGroups", "resources", "resourceNames"}) {
          if (r.has(f)) {
            rr.set(f, r.get(f).deepCopy());
          }
        }
      } else {
        ObjectNode nr = nonResourceRules.addObject();
        nr.set("verbs", r.path("verbs").deepCopy());
        nr.set("nonResourceURLs", r.get("nonResourceURLs").deepCopy());
      }
    }
    ObjectNode status = review.putObject("status");
    status.set("resourceRules", resourceRules);
    status.set("nonResourceRules", nonResourceRules);
    status.put("incomplete", false);
  }

  /** TokenReview: the token authenticated as a request's would be, for the review's audiences. */
  private void token(RoutingContext ctx, UserInfo caller, ObjectNode review) {
    JsonNode spec = review.path("spec");
    String token = spec.path("token").asText("");
    if (token.isEmpty()) {
      throw StatusException.badRequest("token is required for TokenReview in authentication");
    }
    io.dekube.apiserver.auth.TokenReviewer.Outcome outcome = tokens.review(token, strings(spec.path("audiences")));
    ObjectNode status = review.putObject("status");
    ObjectNode info = status.putObject("user");
    if (outcome.authenticated()) {
      status.put("authenticated", true);
      UserInfo user = outcome.user();
      info.put("username", user.name());
      if (!user.uid().isEmpty()) {
        info.put("uid", user.uid());
      }
      ArrayNode groups = info.putArray("groups");
      user.groups().forEach(groups::add);
      user.putExtra(info);
      ArrayNode audiences = status.putArray("audiences");
      outcome.audiences().forEach(audiences::add);
    } else {
      status.put("error", outcome.error());
    }
  }

  private void whoami(RoutingContext ctx, UserInfo user, ObjectNode review) {
    review.remove("spec");
    ObjectNode info = review.putObject("status").putObject("userInfo").put("username", user.name());
    if (!user.uid().isEmpty()) {
      info.put("uid", user.uid());
    }
    ArrayNode groups = info.putArray("groups");
    user.groups().forEach(groups::add);
    user.putExtra(info);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }

  private static StatusException invalid(String kind, String field, String value, String detail) {
    ObjectNode details = Json.object().put("group", AUTHZ).put("kind", kind);
    details.putArray("causes").addObject().put("reason", "FieldValueInvalid")
        .put("message", "Invalid value: " + value + ": " + detail).put("field", field);
    return new StatusException(422, "Invalid", kind + "." + AUTHZ + " \"\" is invalid: " + field + ": Invalid value: "
        + value + ": " + detail, details);
  }
}
